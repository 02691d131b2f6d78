import type { Broker, BrokerFill, BrokerOrder, BrokerPosition, SubmitResult } from "../../../app/ports/broker.js";
import type { Clock } from "../../../app/ports/clock.js";
import type { PriceStore } from "../../../app/ports/price-store.js";
import { Dec } from "../../../domain/decimal.js";
import { cashMoved, fillPriceWithSlippage } from "../../../domain/portfolio/accounting.js";

export interface PaperBrokerOptions {
  prices: PriceStore;
  clock: Clock;
  slippageBps: number;
  commissionPerOrder: Dec;
  /** The desk's own book is the paper broker's book: positions and fills are read from it. */
  book: {
    positions(accountId: string): Promise<BrokerPosition[]>;
    fills(brokerOrderId: string): Promise<BrokerFill[]>;
  };
}

/**
 * Simulated execution for shadow trading. A marketable order fills at once at the newest price
 * moved against us by the slippage (a marketable limit never fills worse than its limit); a
 * limit order that does not cross rests until a price batch crosses it (`fillIfCrossed`).
 * An order that the account's cash cannot cover is rejected, as a real broker would.
 */
export class PaperBroker implements Broker {
  readonly name = "paper" as const;
  readonly fillsInline = true;

  constructor(private readonly options: PaperBrokerOptions) {}

  async submit(order: BrokerOrder, account: { cash: Dec; quote?: { price: Dec; at: Date } }): Promise<SubmitResult> {
    const quote = account.quote ?? (await this.quote(order.ticker));
    if (!quote) return { status: "rejected", reason: `no price for ${order.ticker}` };
    const fill = this.fillAt(order, quote.price, 1);
    if (!fill) return { status: "accepted", brokerOrderId: brokerOrderId(order) };
    if (order.side === "BUY") {
      // What the booking will take from cash, by the same rule (cents, rounded once).
      const cost = cashMoved({ side: "BUY", quantity: order.quantity, price: fill.price, commission: fill.commission }).net.neg();
      if (cost.gt(account.cash)) return { status: "rejected", reason: `cash $${account.cash.toFixed(2)} cannot cover $${cost.toFixed(2)}` };
    }
    return { status: "filled", brokerOrderId: brokerOrderId(order), fills: [fill] };
  }

  /**
   * For a resting limit order and a new price: the fill of what remains, when the price crosses
   * the limit. The fill id counts the order's fills, so processing the same price twice books once.
   */
  fillIfCrossed(order: BrokerOrder, price: Dec, remaining: number, fillsSoFar: number): BrokerFill | undefined {
    return this.fillAt({ ...order, quantity: remaining }, price, fillsSoFar + 1);
  }

  cancel(): Promise<boolean> {
    // Nothing rests outside the desk's own book: cancelling is marking the order cancelled.
    return Promise.resolve(true);
  }

  async quote(ticker: string): Promise<{ price: Dec; at: Date } | undefined> {
    const latest = await this.options.prices.latest(ticker);
    return latest ? { price: latest.close, at: latest.time } : undefined;
  }

  positions(accountId: string): Promise<BrokerPosition[]> {
    return this.options.book.positions(accountId);
  }

  fills(id: string): Promise<BrokerFill[]> {
    return this.options.book.fills(id);
  }

  private fillAt(order: BrokerOrder, reference: Dec, sequence: number): BrokerFill | undefined {
    const slipped = fillPriceWithSlippage(order.side, reference, this.options.slippageBps);
    let price = slipped;
    if (order.orderType === "limit" && order.limitPrice) {
      const crosses = order.side === "BUY" ? reference.lte(order.limitPrice) : reference.gte(order.limitPrice);
      if (!crosses) return undefined;
      price = order.side === "BUY" ? Dec.min(slipped, order.limitPrice) : Dec.max(slipped, order.limitPrice);
    }
    const at = this.options.clock.now();
    return { quantity: order.quantity, price, commission: this.options.commissionPerOrder, brokerFillId: `${brokerOrderId(order)}-${sequence}`, at };
  }
}

function brokerOrderId(order: BrokerOrder): string {
  return `paper-${order.orderId}`;
}
