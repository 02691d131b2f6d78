import type { Dec } from "../decimal.js";
import type { AccountMode, Phase, Side, Signal, Vote } from "../vocabulary.js";

/**
 * What a War Room session hands its agents: plain data, read in one go by the session, so that
 * every agent is a pure function of it. `now` is the session's clock: agents never read one.
 */
export interface WarRoomInput {
  ticker: string;
  now: Date;
  /** Daily closes, oldest first. */
  closes: readonly { day: string; close: Dec }[];
  lastPrice: Dec | null;
  priceTime: Date | null;
  news: readonly WarRoomNews[];
  signals: readonly WarRoomSignal[];
  account: WarRoomAccount;
}

export interface WarRoomNews {
  title: string;
  summary: string | null;
  publishedAt: Date;
  /** Stored score, -1..1, as the news store keeps it (numeric(6,4) as a string); null when unscored. */
  sentiment: string | null;
}

export interface WarRoomSignal {
  signal: Signal;
  /** 0..1. */
  confidence: Dec;
  source: string;
  createdAt: Date;
}

export interface WarRoomAccount {
  equity: Dec;
  cash: Dec;
  /** Shares of this ticker held now (0 = flat). */
  heldQuantity: number;
  /** "UNKNOWN" when the state could not be read: treated as halted. */
  killSwitch: "ACTIVE" | "HALTED" | "UNKNOWN";
  phase: Phase;
  /** Shadow accounts trade under shadow limits whatever their phase. */
  mode?: AccountMode;
  /** Value of the held shares of this ticker at the last price. */
  positionValue: Dec;
  /** This ticker's share of equity now, in percent. */
  concentrationPct: number;
  ordersToday: number;
  dailyTradeLimit: number;
  /** Most a single position may be, in percent of equity (KS_CONCENTRATION_PCT). */
  maxPositionPct: number;
  /** KS_STALE_DATA_SECONDS: a price older than this is stale, as in the pre-trade check. */
  staleDataSeconds?: number;
  /**
   * Whether the exchange's regular session is open. A price only goes stale while it is (as in
   * the pre-trade check); when unset the price is held to the limit all the same (fail closed).
   */
  marketOpen?: boolean;
}

/** Which rule a veto stands on; the chair names it. "agent_veto": a vote with `veto` and no list. */
export type VetoRule = "kill_switch" | "phase_no_trading" | "concentration" | "daily_trade_limit" | "no_price" | "stale_price" | "agent_veto";

export interface Veto {
  rule: VetoRule;
  /** The trades the veto forbids: a rule about adding exposure forbids BUY only. */
  sides: readonly Side[];
  reason: string;
}

export interface AgentVote {
  agent: string;
  vote: Vote;
  /** 0..1, to 4 places (agent_votes.confidence is numeric(5,4)). */
  confidence: Dec;
  /** True when the agent forbids a trade; `vetoes` says which and why. */
  veto: boolean;
  /** The vetoes behind `veto`; a vote with `veto` and no list forbids both sides. */
  vetoes?: readonly Veto[];
  rationale: string;
  /** The figures behind the vote, JSON-safe (stored in agent_votes.details). */
  details: Record<string, unknown>;
}

export interface ChairDecision {
  decision: Signal;
  /** |score| clipped to 0..1, to 4 places: how strongly the weighted votes lean. */
  confidence: Dec;
  /** Weighted score of the votes, -1 (all SELL) .. +1 (all BUY), to 4 places. */
  score: Dec;
  quantity: number | null;
  stopPrice: Dec | null;
  vetoed: boolean;
  /** One line per agent, then the decision line. */
  rationale: string;
  /** The decision line without its "Decision: " label: "BUY 12 at ~50.00, stop 47.50 (...)", "HOLD — why". */
  summary: string;
  votes: (AgentVote & { weight: Dec })[];
}

/** An agent the session runs synchronously: pure, no clock but `input.now`. */
export type Agent = (input: WarRoomInput) => AgentVote;
