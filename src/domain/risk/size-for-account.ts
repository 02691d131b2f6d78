import { Dec } from "../decimal.js";
import { formatMoney } from "../format.js";
import type { AccountMode, Phase, Side } from "../vocabulary.js";
import { limitsFor } from "./phase-limits.js";

/**
 * How much of a mirrored decision one account may be proposed (issue 14). A shadow account
 * takes the decision's quantity (the chair sized it on the shadow record, or an operator chose
 * it). A live account is capped by its phase (shares per order, capital headroom, position cap),
 * the concentration limit and its cash, so that the proposal it gets is one its pre-trade checks
 * can pass; nothing fitting is 0 with the reason. Risk-reducing SELLs are not capped: they only
 * sell what is held. Pure and exact.
 */

export interface SizingDecision {
  side: Side;
  ticker: string;
  /** The price the decision was made at; null when none is known. */
  price: Dec | null;
  /** The chair's quantity or an operator's. */
  quantity: number;
  /** The chair's SELL sells everything held: each account then sells what it holds. */
  sellAll?: boolean;
}

export interface SizingAccount {
  mode: AccountMode;
  phase: Phase;
  equity: Dec;
  cash: Dec;
  /** Quantity and value (at the last price, unpriced at cost) of every held ticker. */
  positions: ReadonlyMap<string, { quantity: number; value: Dec }>;
  /** KS_CONCENTRATION_PCT. */
  concentrationPct: number;
  /** The pre-trade check's allowance for a BUY's cost: commission per order and slippage. */
  commission?: Dec;
  slippageBps?: number;
}

export interface AccountSizing {
  quantity: number;
  /** Why the quantity is below the decision's (or 0); null when it is the decision's. */
  reason: string | null;
}

const ZERO = new Dec(0);

/** "$100" and "$1,000" for whole dollars, "$181.20" otherwise. */
export function dollars(d: Dec): string {
  return `$${formatMoney(d).replace(/\.00$/, "")}`;
}

/** Whole shares that fit in `room` at `each`; never below 0. */
function fit(room: Dec, each: Dec): number {
  if (!room.gt(0)) return 0;
  const n = room.div(each).floor();
  return n.gt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : n.toNumber();
}

export function sizeForAccount(decision: SizingDecision, account: SizingAccount): AccountSizing {
  const { ticker } = decision;
  const held = account.positions.get(ticker);
  const heldQuantity = held?.quantity ?? 0;
  const limits = limitsFor(account.mode, account.phase);
  if (!limits.trading) return { quantity: 0, reason: `phase ${account.phase} places no orders` };

  if (decision.side === "SELL") {
    const wanted = decision.sellAll ? heldQuantity : account.mode === "live" ? Math.min(decision.quantity, heldQuantity) : decision.quantity;
    if (wanted <= 0) return { quantity: 0, reason: `holds no ${ticker}` };
    return { quantity: wanted, reason: wanted === decision.quantity ? null : `sells the ${wanted} held` };
  }
  if (account.mode === "shadow") return { quantity: decision.quantity, reason: null };

  const price = decision.price;
  if (!price || !price.gt(0)) return { quantity: 0, reason: `no price is known for ${ticker}` };
  const one = `one ${ticker} is ${dollars(price)}`;
  const heldValue = held?.value ?? ZERO;
  let exposure = ZERO;
  for (const p of account.positions.values()) exposure = exposure.plus(p.value);

  // Each cap with what it says when it binds; the first that leaves nothing is the reason.
  const caps: { quantity: number; why: string }[] = [];
  if (limits.maxSharesPerOrder !== null) caps.push({ quantity: limits.maxSharesPerOrder, why: `${account.phase} allows ${limits.maxSharesPerOrder} share${limits.maxSharesPerOrder === 1 ? "" : "s"} per order` });
  if (limits.capital !== null) {
    const used = exposure.gt(0) ? `, ${dollars(exposure)} is held` : "";
    caps.push({ quantity: fit(limits.capital.minus(exposure), price), why: `${account.phase} allows ${dollars(limits.capital)} of exposure${used}; ${one}` });
  }
  if (limits.maxPositionValue !== null) {
    const used = heldValue.gt(0) ? `, ${dollars(heldValue)} of ${ticker} is held` : "";
    caps.push({ quantity: fit(limits.maxPositionValue.minus(heldValue), price), why: `${account.phase} allows ${dollars(limits.maxPositionValue)} per position${used}; ${one}` });
  }
  const concentrationRoom = account.equity.times(account.concentrationPct).div(100);
  caps.push({ quantity: fit(concentrationRoom.minus(heldValue), price), why: `${ticker} may be ${account.concentrationPct}% of equity, ${dollars(concentrationRoom.toDecimalPlaces(2, Dec.ROUND_DOWN))}; ${one}` });
  // The pre-trade check's cost: notional with slippage, plus the commission.
  const perShare = price.times(new Dec(1).plus(new Dec(account.slippageBps ?? 0).div(10_000)));
  caps.push({ quantity: fit(account.cash.minus(account.commission ?? ZERO), perShare), why: `cash is ${dollars(account.cash)}; ${one}` });

  let quantity = decision.quantity;
  let reason: string | null = null;
  for (const cap of caps) {
    if (cap.quantity >= quantity) continue;
    quantity = cap.quantity;
    reason = cap.why;
    if (quantity === 0) break;
  }
  return { quantity, reason: quantity === decision.quantity ? null : quantity === 0 ? reason : `sized ${quantity} of ${decision.quantity}: ${reason}` };
}
