import type { Dec } from "../../domain/decimal.js";
import type { Signal, Vote } from "../../domain/vocabulary.js";
import type { AgentAccuracy } from "../../domain/warroom/track-record.js";

export interface StoredVote {
  agent: string;
  vote: Vote;
  confidence: Dec;
  weight: Dec;
  veto: boolean;
  rationale: string;
  details: Record<string, unknown>;
  latencyMs: number;
}

export interface NewSession {
  accountId: string | null;
  ticker: string;
  requestedBy: string;
  decision: Signal;
  confidence: Dec;
  quantity: number | null;
  stopPrice: Dec | null;
  vetoed: boolean;
  rationale: string;
  durationMs: number;
  votes: readonly StoredVote[];
  at: Date;
}

/** Each agent's judged votes; the domain defines how they are judged and weighed. */
export type { AgentAccuracy } from "../../domain/warroom/track-record.js";

export interface UnscoredVote {
  voteId: string;
  ticker: string;
  vote: Vote;
  sessionAt: Date;
}

export interface WarRoomStore {
  /** The session and every vote, in one statement; returns the session id. */
  save(session: NewSession): Promise<string>;
  /** The newest daily closes of a ticker (the last bar of each New York day), oldest first. */
  dailyCloses(ticker: string, days: number): Promise<{ day: string; close: Dec }[]>;
  /** Votes cast before `before` and not yet scored, oldest first. */
  unscored(before: Date, limit: number): Promise<UnscoredVote[]>;
  /** The ticker's newest close at or before `at`. */
  closeAt(ticker: string, at: Date): Promise<Dec | null>;
  score(results: readonly { voteId: string; realizedMovePct: Dec | null; correct: boolean | null }[], at: Date): Promise<number>;
  /** Scored votes per agent (ABSTAIN excluded), since `since` when given. */
  accuracy(since?: Date): Promise<AgentAccuracy[]>;
}
