import type { Refusal } from "../../domain/risk/pre-trade.js";
import type { OrderSource, Side, Trigger } from "../../domain/vocabulary.js";

export interface RefusedOrder {
  accountId: string;
  source: OrderSource;
  side: Side;
  ticker: string;
  quantity: number;
  refusals: readonly Refusal[];
  requestedBy: string;
  dryRun: boolean;
}

export interface RefusalLog {
  record(refused: RefusedOrder): Promise<void>;
}

export interface HaltRecord {
  accountId: string;
  accountName: string;
  trigger: Trigger | null;
  reason: string;
  actor: string;
  at: Date;
}

/** What the hard rules did over a period: refusals by rule and halts, for the weekly review. */
export interface RiskHistory {
  /** How many orders each pre-trade rule refused (an order refused for two reasons counts for both), most first. */
  refusalsByRule(from: Date, to: Date): Promise<{ code: string; orders: number }[]>;
  /** Each halt (ACTIVE -> HALTED), oldest first. */
  halts(from: Date, to: Date): Promise<HaltRecord[]>;
}
