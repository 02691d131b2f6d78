import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { decide, DEFAULT_WEIGHTS, sizeBuy, type ChairSizing } from "../../src/domain/warroom/chair.js";
import type { AgentVote, Veto } from "../../src/domain/warroom/types.js";

function vote(agent: string, v: AgentVote["vote"], confidence: string, extra: Partial<AgentVote> = {}): AgentVote {
  return { agent, vote: v, confidence: new Dec(confidence), veto: false, rationale: `${agent} says ${v}`, details: {}, ...extra };
}

function riskVeto(...vetoes: Veto[]): AgentVote {
  return vote("risk", "HOLD", "1", { veto: true, vetoes, rationale: "VETO" });
}

const W = (entries: Record<string, string | number>): Record<string, Dec> => Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, new Dec(v)]));

/** $100,000 equity, 1% risk, $50, 5% stop, nothing held, 30% position limit. */
function sizing(overrides: Partial<ChairSizing> = {}): ChairSizing {
  return { equity: new Dec("100000"), riskFraction: new Dec("0.01"), lastPrice: new Dec("50"), defaultStopPct: 5, heldQuantity: 0, maxPositionPct: 30, ...overrides };
}

const ACT = { act: new Dec("0.55") };

describe("chair: the weighted score", () => {
  it("is Σ direction × confidence × weight / Σ weight, exactly, over the votes that do not abstain", () => {
    const votes = [vote("trend", "BUY", "0.8"), vote("sentiment", "SELL", "0.5"), vote("signals", "HOLD", "0.9"), vote("llm", "ABSTAIN", "0")];
    const d = decide(votes, W({ trend: 2, sentiment: 1, signals: 1, llm: 7 }), sizing(), ACT);
    // (2 × 0.8 − 1 × 0.5 + 0) / (2 + 1 + 1) = 1.1 / 4
    expect(d.score.toString()).toBe("0.275");
    expect(d.confidence.toString()).toBe("0.275");
    expect(d.decision).toBe("HOLD");
    expect(d.votes.map((v) => [v.agent, v.weight.toString()])).toEqual([["trend", "2"], ["sentiment", "1"], ["signals", "1"], ["llm", "7"]]);
  });

  it("ignores abstentions whatever their weight", () => {
    const base = [vote("trend", "BUY", "0.9"), vote("sentiment", "BUY", "0.6")];
    const a = decide(base, W({ trend: 1, sentiment: 1 }), sizing(), ACT);
    const b = decide([...base, vote("signals", "ABSTAIN", "1"), vote("llm", "ABSTAIN", "0.7")], W({ trend: 1, sentiment: 1, signals: 100, llm: 100 }), sizing(), ACT);
    expect(a.score.toString()).toBe("0.75");
    expect(b.score.toString()).toBe("0.75");
    expect(b.decision).toBe("BUY");
  });

  it("gives an agent without a weight 1, one with weight 0 no say, and refuses a negative weight", () => {
    const votes = [vote("trend", "BUY", "0.9"), vote("newcomer", "SELL", "0.3"), vote("risk", "HOLD", "1")];
    // risk weighs 0 by default: (0.9 − 0.3) / 2
    expect(decide(votes, { ...DEFAULT_WEIGHTS }, sizing(), ACT).score.toString()).toBe("0.3");
    expect(() => decide(votes, W({ trend: -1 }), sizing(), ACT)).toThrow(RangeError);
  });

  it("shows the score toward zero to 4 places, so it never reads as past the threshold when it is not", () => {
    const d = decide([vote("a", "BUY", "0.5499"), vote("b", "BUY", "0.55"), vote("c", "BUY", "0.55")], {}, sizing(), ACT);
    // (0.5499 + 0.55 + 0.55) / 3 = 0.549966...
    expect(d.score.toString()).toBe("0.5499");
    expect(d.decision).toBe("HOLD");
  });

  it("is 0 and HOLD when every vote abstains or has no weight", () => {
    const d = decide([vote("a", "ABSTAIN", "0"), vote("risk", "HOLD", "1")], W({ risk: 0 }), sizing(), ACT);
    expect(d.score.isZero()).toBe(true);
    expect(d.decision).toBe("HOLD");
  });
});

describe("chair: the threshold", () => {
  it("acts at |score| >= act and holds below", () => {
    const votes = [vote("trend", "BUY", "0.9"), vote("sentiment", "BUY", "0.6"), vote("signals", "HOLD", "0.7")];
    // (0.9 + 0.6 + 0) / 3 = 0.5
    expect(decide(votes, {}, sizing(), { act: new Dec("0.5") }).decision).toBe("BUY");
    expect(decide(votes, {}, sizing(), { act: new Dec("0.5001") }).decision).toBe("HOLD");
    const sells = votes.map((v) => ({ ...v, vote: v.vote === "BUY" ? ("SELL" as const) : v.vote }));
    const d = decide(sells, {}, sizing({ heldQuantity: 40 }), { act: new Dec("0.5") });
    expect(d.decision).toBe("SELL");
    expect(d.score.toString()).toBe("-0.5");
    expect(d.confidence.toString()).toBe("0.5");
  });
});

describe("chair: vetoes", () => {
  const allBuy = [vote("trend", "BUY", "1"), vote("sentiment", "BUY", "1"), vote("signals", "BUY", "1")];

  it("a veto wins over unanimous votes, and the rationale names the rule", () => {
    const d = decide([...allBuy, riskVeto({ rule: "kill_switch", sides: ["BUY", "SELL"], reason: "trading is halted" })], { ...DEFAULT_WEIGHTS }, sizing(), ACT);
    expect(d).toMatchObject({ decision: "HOLD", vetoed: true, quantity: null, stopPrice: null });
    expect(d.score.toString()).toBe("1");
    expect(d.rationale.split("\n").at(-1)).toBe("Decision: HOLD — vetoed by risk: kill_switch (trading is halted); the votes leaned BUY, score +1.0000 (act at ±0.55)");
  });

  it("a veto on both sides stands even when the votes would hold anyway", () => {
    const d = decide([vote("trend", "HOLD", "0.5"), riskVeto({ rule: "no_price", sides: ["BUY", "SELL"], reason: "no price for NVDA" })], {}, sizing(), ACT);
    expect(d).toMatchObject({ decision: "HOLD", vetoed: true });
  });

  it("a BUY-only veto does not stop a SELL of what is held, nor mark a HOLD as vetoed", () => {
    const concentration = riskVeto({ rule: "concentration", sides: ["BUY"], reason: "NVDA 40.00% of equity" });
    const sell = decide([vote("trend", "SELL", "0.9"), concentration], { ...DEFAULT_WEIGHTS }, sizing({ heldQuantity: 400 }), ACT);
    expect(sell).toMatchObject({ decision: "SELL", quantity: 400, vetoed: false });
    const hold = decide([vote("trend", "HOLD", "0.9"), concentration], { ...DEFAULT_WEIGHTS }, sizing(), ACT);
    expect(hold).toMatchObject({ decision: "HOLD", vetoed: false });
    const buy = decide([vote("trend", "BUY", "0.9"), concentration], { ...DEFAULT_WEIGHTS }, sizing(), ACT);
    expect(buy).toMatchObject({ decision: "HOLD", vetoed: true });
  });

  it("a vote with veto and no list forbids both sides", () => {
    const d = decide([...allBuy, vote("llm", "HOLD", "1", { veto: true, rationale: "no" })], {}, sizing(), ACT);
    expect(d).toMatchObject({ decision: "HOLD", vetoed: true });
    expect(d.rationale).toContain("vetoed by llm: agent_veto (no)");
  });
});

describe("chair: sizing", () => {
  const buy = [vote("trend", "BUY", "0.9")];

  it("sizes a BUY by fixed-fraction risk to the default stop", () => {
    const d = decide(buy, {}, sizing(), ACT);
    // stop = 50 × 0.95 = 47.50; risk $1,000 / $2.50 a share = 400 shares ($20,000, under 30%)
    expect(d.decision).toBe("BUY");
    expect(d.quantity).toBe(400);
    expect(d.stopPrice!.toFixed(2)).toBe("47.50");
    expect(d.rationale.split("\n").at(-1)).toBe(
      "Decision: BUY 400 at ~50.00, stop 47.50 (risking 1% of equity, $1000.00, at $2.50 a share: 400), score +0.9000 (act at ±0.55)",
    );
  });

  it("rounds the stop to cents as the desk's default stop does, and floors the quantity", () => {
    const d = decide(buy, {}, sizing({ lastPrice: new Dec("123.45") }), ACT);
    // 123.45 × 0.95 = 117.2775 -> 117.28; 1000 / 6.17 = 162.07...
    expect(d.stopPrice!.toString()).toBe("117.28");
    expect(d.quantity).toBe(162);
  });

  it("caps the position at maxPositionPct of equity, counting what is held", () => {
    // 2% stop at $200: $4 a share -> 250 shares ($50,000) by risk; 30% of equity is $30,000 -> 150.
    expect(sizeBuy(sizing({ lastPrice: new Dec("200"), defaultStopPct: 2 }))).toMatchObject({ quantity: 150 });
    // 50 shares held ($10,000): room for $20,000 more -> 100.
    const d = decide(buy, {}, sizing({ lastPrice: new Dec("200"), defaultStopPct: 2, heldQuantity: 50 }), ACT);
    expect(d.quantity).toBe(100);
    expect(d.stopPrice!.toString()).toBe("196");
    expect(d.rationale).toContain("250, capped to 100 by the 30% position limit");
  });

  it("cuts a BUY to what the cash pays for at the last price, and holds when it pays for none", () => {
    // By risk 400 shares at $50 ($20,000), under the 30% cap; $7,025 of cash pays for 140.
    const d = decide(buy, {}, sizing({ cash: new Dec("7025") }), ACT);
    expect(d.quantity).toBe(140);
    expect(d.rationale).toContain("400, cut to 140 by the cash $7025.00");
    expect(decide(buy, {}, sizing({ cash: new Dec("25000") }), ACT).quantity).toBe(400);
    const broke = decide(buy, {}, sizing({ cash: new Dec("49.99") }), ACT);
    expect(broke).toMatchObject({ decision: "HOLD", quantity: null });
    expect(broke.rationale).toContain("no whole share fits");
  });

  it("holds a BUY when no whole share fits, or there is no price", () => {
    const tooDear = decide(buy, {}, sizing({ equity: new Dec("1000"), lastPrice: new Dec("500") }), ACT);
    expect(tooDear).toMatchObject({ decision: "HOLD", quantity: null, stopPrice: null, vetoed: false });
    expect(tooDear.rationale).toContain("no whole share fits");
    expect(decide(buy, {}, sizing({ lastPrice: null }), ACT)).toMatchObject({ decision: "HOLD", quantity: null });
    expect(decide(buy, {}, sizing({ heldQuantity: 600 }), ACT).decision).toBe("HOLD"); // already at the limit
  });

  it("sells everything held, and holds a SELL with nothing held (long only)", () => {
    const sell = [vote("trend", "SELL", "0.9")];
    expect(decide(sell, {}, sizing({ heldQuantity: 40 }), ACT)).toMatchObject({ decision: "SELL", quantity: 40, stopPrice: null });
    const flat = decide(sell, {}, sizing(), ACT);
    expect(flat).toMatchObject({ decision: "HOLD", quantity: null, vetoed: false });
    expect(flat.rationale).toContain("nothing is held (long-only desk)");
  });
});

describe("chair: the rationale", () => {
  it("has one line per agent and then the decision line, and is the same every time", () => {
    const votes = [vote("trend", "BUY", "0.8"), vote("signals", "ABSTAIN", "0", { rationale: "no signals in the last 5 days" }), vote("risk", "HOLD", "1", { rationale: "no veto" })];
    const d = decide(votes, { ...DEFAULT_WEIGHTS }, sizing(), ACT);
    expect(d.rationale.split("\n")).toEqual([
      "trend: BUY 0.80 ×1 — trend says BUY",
      "signals: ABSTAIN — no signals in the last 5 days",
      "risk: HOLD 1.00 ×0 — no veto",
      "Decision: BUY 400 at ~50.00, stop 47.50 (risking 1% of equity, $1000.00, at $2.50 a share: 400), score +0.8000 (act at ±0.55)",
    ]);
    expect(decide(votes, { ...DEFAULT_WEIGHTS }, sizing(), ACT)).toEqual(d);
  });
});
