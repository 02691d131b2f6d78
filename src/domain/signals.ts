import type { Dec } from "./decimal.js";
import type { Signal } from "./vocabulary.js";

export interface TradingSignalInput {
  ticker: string;
  signal: Signal;
  /** 0 to 1. */
  confidence: Dec;
  source: string;
  rationale?: string;
  price?: Dec | null;
  warroomSessionId?: string | null;
}

export interface TradingSignal {
  id: string;
  ticker: string;
  signal: Signal;
  confidence: Dec;
  source: string;
  rationale: string;
  price: Dec | null;
  alertSent: boolean;
  warroomSessionId: string | null;
  createdAt: Date;
}
