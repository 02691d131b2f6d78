import type { Dec } from "../decimal.js";
import type { Signal, Vote } from "../vocabulary.js";
import { type AgentAccuracy, judgeVote, type ScoringPolicy } from "../warroom/track-record.js";
import type { AgentVote } from "../warroom/types.js";

/**
 * The War Room's record over a backtest, kept as the live scoring job keeps it
 * (src/app/warroom/score-votes.ts): a vote cast before session i is judged on the close before
 * it against the close `horizonDays` sessions later, and only once that later close exists. So
 * the weights the chair uses on any day come from votes already judged by then: no look-ahead.
 *
 * Sessions are counted on the ticker's own bars. The chair's decision is judged the same way
 * and reported beside the agents, but never weighs anything.
 */

export interface AgentRecord extends AgentAccuracy {
  agent: string;
  /** Votes cast, abstentions included. */
  votes: number;
  abstained: number;
}

interface Cast {
  votes: readonly { agent: string; vote: Vote }[];
  chair: Signal;
  before: Dec | null;
}

export interface AgentScoreboard {
  /** Votes cast before the ticker's bar `barIndex`; `before` is the close they were cast on. */
  cast(ticker: string, barIndex: number, votes: readonly AgentVote[], chair: Signal, before: Dec | null): void;
  /** The ticker's bar `barIndex` closed at `close`: judges the votes whose horizon ends there. */
  closed(ticker: string, barIndex: number, close: Dec): void;
  /** Judged votes per agent, for the chair's weights. */
  accuracy(): AgentAccuracy[];
  /** Per agent, then "chair", for the report. */
  records(): AgentRecord[];
}

export const CHAIR = "chair";

export function createAgentScoreboard(policy: ScoringPolicy): AgentScoreboard {
  const open = new Map<string, Map<number, Cast>>();
  const records = new Map<string, AgentRecord>();
  const recordOf = (agent: string) => {
    let r = records.get(agent);
    if (!r) records.set(agent, (r = { agent, votes: 0, abstained: 0, scored: 0, correct: 0 }));
    return r;
  };
  const judge = (agent: string, vote: Vote, before: Dec | null, after: Dec) => {
    const { correct } = judgeVote(vote, before, after, policy.flatPct);
    if (correct === null) return;
    const r = recordOf(agent);
    r.scored += 1;
    if (correct) r.correct += 1;
  };
  return {
    cast(ticker, barIndex, votes, chair, before) {
      let byBar = open.get(ticker);
      if (!byBar) open.set(ticker, (byBar = new Map()));
      byBar.set(barIndex, { votes: votes.map((v) => ({ agent: v.agent, vote: v.vote })), chair, before });
      for (const v of votes) {
        const r = recordOf(v.agent);
        r.votes += 1;
        if (v.vote === "ABSTAIN") r.abstained += 1;
      }
      recordOf(CHAIR).votes += 1;
    },
    closed(ticker, barIndex, close) {
      const byBar = open.get(ticker);
      const cast = byBar?.get(barIndex - policy.horizonDays);
      if (!byBar || !cast) return;
      byBar.delete(barIndex - policy.horizonDays);
      for (const v of cast.votes) judge(v.agent, v.vote, cast.before, close);
      judge(CHAIR, cast.chair, cast.before, close);
    },
    accuracy: () => [...records.values()].filter((r) => r.agent !== CHAIR).map(({ agent, scored, correct }) => ({ agent, scored, correct })),
    records: () => {
      const all = [...records.values()].map((r) => ({ ...r }));
      return [...all.filter((r) => r.agent !== CHAIR), ...all.filter((r) => r.agent === CHAIR)];
    },
  };
}
