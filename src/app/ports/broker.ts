import type { Dec } from "../../domain/decimal.js";
import type { OrderType, Side } from "../../domain/vocabulary.js";

export interface BrokerOrder {
  orderId: string;
  accountId: string;
  side: Side;
  ticker: string;
  quantity: number;
  orderType: OrderType;
  limitPrice: Dec | null;
}

export interface BrokerFill {
  quantity: number;
  price: Dec;
  commission: Dec;
  brokerFillId: string;
  at: Date;
}

export type SubmitResult =
  | { status: "filled"; brokerOrderId: string; fills: BrokerFill[] }
  /** Working at the broker (a resting limit order): fills come later. */
  | { status: "accepted"; brokerOrderId: string }
  | { status: "rejected"; reason: string }
  /** The broker's answer is unclear (timeout): never resubmit, reconcile through fills(). */
  | { status: "unknown"; detail: string };

export interface BrokerPosition {
  ticker: string;
  quantity: number;
}

/** What every broker (paper, KIS) offers the order path. */
export interface Broker {
  readonly name: "paper" | "kis";
  /** `cash` is what the desk knows the account has: a broker refuses what it cannot cover. */
  submit(order: BrokerOrder, account: { cash: Dec }): Promise<SubmitResult>;
  cancel(brokerOrderId: string): Promise<boolean>;
  quote(ticker: string): Promise<{ price: Dec; at: Date } | undefined>;
  positions(accountId: string): Promise<BrokerPosition[]>;
  fills(brokerOrderId: string): Promise<BrokerFill[]>;
}
