import { describe, expect, it } from "vitest";
import { WarRoomRepository } from "../../src/adapters/db/repositories/warroom-repository.js";
import { scoreVotes } from "../../src/app/warroom/score-votes.js";
import { weightsFrom } from "../../src/domain/warroom/track-record.js";
import { Dec } from "../../src/domain/decimal.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { useTestDatabase } from "../support/database.js";
import { price } from "../support/desk.js";

const db = useTestDatabase();
/** Monday 2026-11-16, 11:00 New York; five trading days later is Monday 2026-11-23. */
const SESSION = new Date("2026-11-16T16:00:00Z");

describe("agent scoring", () => {
  it("judges each vote at the close five trading days on: BUY right on a rise, SELL and HOLD wrong, ABSTAIN unjudged", async () => {
    const store = new WarRoomRepository(db.dataSource);
    await price(db.dataSource, "SCO", "100", new Date(SESSION.getTime() - 60_000));
    await price(db.dataSource, "SCO", "110", new Date("2026-11-23T20:59:00Z"));
    const vote = (agent: string, v: "BUY" | "SELL" | "HOLD" | "ABSTAIN") => ({ agent, vote: v, confidence: new Dec("0.8"), weight: new Dec(1), veto: false, rationale: "", details: {}, latencyMs: 1 });
    await store.save({
      accountId: null, ticker: "SCO", requestedBy: "test", decision: "BUY", confidence: new Dec("0.6"), quantity: 10, stopPrice: new Dec(95), vetoed: false,
      rationale: "r", durationMs: 3, at: SESSION, votes: [vote("trend", "BUY"), vote("sentiment", "SELL"), vote("signals", "HOLD"), vote("llm", "ABSTAIN")],
    });
    const calendar = createMarketCalendar();

    // Saturday 2026-11-21: five days have passed, but the fifth trading day has not closed yet.
    expect(await scoreVotes({ store, calendar, clock: { now: () => new Date("2026-11-21T22:00:00Z") } })).toEqual({ scored: 0, pending: 4 });
    // Monday 2026-11-23 after the close.
    expect(await scoreVotes({ store, calendar, clock: { now: () => new Date("2026-11-23T22:00:00Z") } })).toEqual({ scored: 4, pending: 0 });
    const rows = await db.dataSource.query<{ agent: string; correct: boolean | null; move: string }[]>(`SELECT agent, correct, realized_move_pct::text AS move FROM agent_votes ORDER BY agent`);
    expect(rows).toEqual([
      { agent: "llm", correct: null, move: "10.000000" },
      { agent: "sentiment", correct: false, move: "10.000000" },
      { agent: "signals", correct: false, move: "10.000000" },
      { agent: "trend", correct: true, move: "10.000000" },
    ]);
    expect(await store.accuracy()).toEqual([
      { agent: "sentiment", scored: 1, correct: 0 },
      { agent: "signals", scored: 1, correct: 0 },
      { agent: "trend", scored: 1, correct: 1 },
    ]);
    // Scored once only.
    expect(await scoreVotes({ store, calendar, clock: { now: () => new Date("2026-11-24T22:00:00Z") } })).toEqual({ scored: 0, pending: 0 });
  });

  it("weighs an agent by its record once it has enough scored votes", () => {
    const weights = weightsFrom([{ agent: "trend", scored: 40, correct: 30 }, { agent: "sentiment", scored: 40, correct: 4 }, { agent: "signals", scored: 5, correct: 5 }, { agent: "risk", scored: 40, correct: 40 }], 20);
    expect(weights.trend!.toFixed(2)).toBe("1.50");
    expect(weights.sentiment!.toFixed(2)).toBe("0.25");
    expect(weights.signals!.toFixed(2)).toBe("1.00");
    expect(weights.risk!.toFixed(2)).toBe("0.00");
  });
});
