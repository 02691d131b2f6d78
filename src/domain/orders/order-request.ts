import { Dec } from "../decimal.js";
import { ORDER_SOURCES, SIDES, TICKER_PATTERN, type OrderSource, type OrderType, type Side } from "../vocabulary.js";
import { cleanText } from "../text.js";

/** An order as a transport hands it over: strings from people, not yet trusted. */
export interface OrderRequest {
  accountId: string;
  idempotencyKey: string;
  source: OrderSource;
  side: string;
  ticker: string;
  quantity: number | string;
  /** Absent: a market order. */
  limitPrice?: string | null;
  stopPrice?: string | null;
  requestedBy: string;
  proposalId?: string | null;
}

/** What is traded: shared by orders, proposals and what the order path records. */
export interface OrderTerms {
  accountId: string;
  idempotencyKey: string;
  source: OrderSource;
  side: Side;
  ticker: string;
  quantity: number;
  orderType: OrderType;
  limitPrice: Dec | null;
  stopPrice: Dec | null;
  requestedBy: string;
}

export interface ValidOrder extends OrderTerms {
  proposalId: string | null;
}

/** Largest order the desk accepts at all (phases and buying power limit far below this). */
export const MAX_ORDER_QUANTITY = 1_000_000;
const PRICE = /^\d{1,12}(\.\d{1,6})?$/;

/** Checks every field and names each problem; nothing is coerced silently. */
export function validateOrderRequest(request: OrderRequest): { ok: true; order: ValidOrder } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const side = String(request.side).toUpperCase();
  if (!(SIDES as readonly string[]).includes(side)) errors.push(`side must be BUY or SELL, got "${truncate(String(request.side))}"`);
  const ticker = String(request.ticker).trim().toUpperCase();
  if (!TICKER_PATTERN.test(ticker)) errors.push(`"${truncate(String(request.ticker))}" is not a ticker`);
  const rawQuantity = String(request.quantity).trim();
  const quantity = /^\d{1,15}$/.test(rawQuantity) ? Number(rawQuantity) : Number.NaN;
  if (!Number.isSafeInteger(quantity) || quantity <= 0) errors.push(`quantity must be a whole number of shares above 0, got "${truncate(rawQuantity)}"`);
  else if (quantity > MAX_ORDER_QUANTITY) errors.push(`quantity ${quantity} is above the desk's maximum of ${MAX_ORDER_QUANTITY}`);
  const limitPrice = price("limit", request.limitPrice, errors);
  const stopPrice = price("stop", request.stopPrice, errors);
  if (side === "BUY" && stopPrice && limitPrice && stopPrice.gte(limitPrice)) errors.push("a long's stop must lie below its limit price");
  if (!(ORDER_SOURCES as readonly string[]).includes(request.source)) errors.push(`unknown order source "${truncate(String(request.source))}"`);
  const key = String(request.idempotencyKey ?? "");
  if (key.length < 1 || key.length > 128) errors.push("the idempotency key must be 1 to 128 characters");
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    order: {
      accountId: request.accountId,
      idempotencyKey: key,
      source: request.source,
      side: side as Side,
      ticker,
      quantity,
      orderType: limitPrice ? "limit" : "market",
      limitPrice,
      stopPrice,
      requestedBy: request.requestedBy,
      proposalId: request.proposalId ?? null,
    },
  };
}

function price(name: string, raw: string | null | undefined, errors: string[]): Dec | null {
  if (raw === undefined || raw === null || String(raw).trim() === "") return null;
  const text = String(raw).trim();
  if (!PRICE.test(text) || new Dec(text).lte(0)) {
    errors.push(`${name} price must be a positive amount with at most 6 decimals, got "${truncate(text)}"`);
    return null;
  }
  return new Dec(text);
}

/** Echoes a bad value cleaned and short, never splitting a character (an emoji cut in half cannot be stored or sent). */
function truncate(value: string): string {
  return cleanText(value, { maxChars: 24, ellipsis: "..." });
}
