import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { riskAgent, runAgents, scoreText, sentimentAgent, signalsAgent, trendAgent } from "../../src/domain/warroom/agents/index.js";
import type { AgentVote, WarRoomAccount, WarRoomInput, WarRoomNews, WarRoomSignal } from "../../src/domain/warroom/types.js";

const NOW = new Date("2026-03-10T19:00:00Z");
const HOUR = 3_600_000;
const DAY0 = Date.UTC(2025, 11, 1);

/** `n` daily closes from `f(i)`, to cents. */
function closes(f: (i: number) => number, n = 80): WarRoomInput["closes"] {
  return Array.from({ length: n }, (_, i) => ({ day: new Date(DAY0 + i * 24 * HOUR).toISOString().slice(0, 10), close: new Dec(f(i).toFixed(2)) }));
}

/** Alternating ±`noise` around a line of slope `slope`: a trend with down days in it. */
const zigzag = (start: number, slope: number, noise: number) => (i: number) => start + slope * i + (i % 2 === 0 ? noise : -noise);

function account(overrides: Partial<WarRoomAccount> = {}): WarRoomAccount {
  return {
    equity: new Dec("100000"),
    cash: new Dec("100000"),
    heldQuantity: 0,
    killSwitch: "ACTIVE",
    phase: "shadow",
    positionValue: new Dec(0),
    concentrationPct: 0,
    ordersToday: 0,
    dailyTradeLimit: 20,
    maxPositionPct: 30,
    marketOpen: true,
    ...overrides,
  };
}

/** Defaults: NVDA, flat closes, a fresh $100 price, no news, no signals, a clean account. */
function input(overrides: Partial<WarRoomInput> = {}): WarRoomInput {
  return {
    ticker: "NVDA",
    now: NOW,
    closes: closes(() => 100),
    lastPrice: new Dec("100"),
    priceTime: new Date(NOW.getTime() - 30_000),
    news: [],
    signals: [],
    account: account(),
    ...overrides,
  };
}

const news = (title: string, hoursAgo: number, extra: Partial<WarRoomNews> = {}): WarRoomNews => ({
  title,
  summary: null,
  publishedAt: new Date(NOW.getTime() - hoursAgo * HOUR),
  sentiment: null,
  ...extra,
});

const signal = (s: WarRoomSignal["signal"], confidence: string, hoursAgo: number, source = "sma-cross"): WarRoomSignal => ({
  signal: s,
  confidence: new Dec(confidence),
  source,
  createdAt: new Date(NOW.getTime() - hoursAgo * HOUR),
});

function expectConfidenceShape(v: AgentVote): void {
  expect(v.confidence.gte(0) && v.confidence.lte(1)).toBe(true);
  expect(v.confidence.decimalPlaces()).toBeLessThanOrEqual(4);
  expect(() => JSON.stringify(v.details)).not.toThrow();
}

describe("trend agent", () => {
  it("votes BUY on a clean uptrend and explains it with the averages and RSI", () => {
    const v = trendAgent(input({ closes: closes(zigzag(100, 0.4, 1.5)) }));
    expect(v.vote).toBe("BUY");
    expect(v.confidence.gt("0.8")).toBe(true);
    expect(v.rationale).toMatch(/^SMA20 \d+\.\d\d > SMA50 \d+\.\d\d \(uptrend, \+\d+\.\d\d%\), RSI \d+\.\d$/);
    expect(v.details).toMatchObject({ closes: 80, cross: null });
    expect(v.details.rsi as number).toBeLessThan(70);
    expectConfidenceShape(v);
  });

  it("votes SELL on a downtrend", () => {
    const v = trendAgent(input({ closes: closes(zigzag(200, -0.5, 1.5)) }));
    expect(v.vote).toBe("SELL");
    expect(v.rationale).toContain("(downtrend, -");
    expect(v.confidence.gt("0.5")).toBe(true);
  });

  it("holds when the averages are together", () => {
    const v = trendAgent(input({ closes: closes(zigzag(100, 0, 1)) }));
    expect(v.vote).toBe("HOLD");
    expect(v.rationale).toContain("(flat,");
  });

  it("abstains with fewer closes than the slow window", () => {
    const v = trendAgent(input({ closes: closes(zigzag(100, 0.4, 1.5), 49) }));
    expect(v).toMatchObject({ vote: "ABSTAIN", veto: false, rationale: "49 closes, SMA50 needs 50" });
    expect(v.confidence.isZero()).toBe(true);
    expect(trendAgent(input({ closes: closes(zigzag(100, 0.4, 1.5), 50) })).vote).toBe("BUY");
  });

  it("abstains on closes out of order", () => {
    const cs = [...closes(zigzag(100, 0.4, 1.5))];
    [cs[10], cs[11]] = [cs[11]!, cs[10]!];
    expect(trendAgent(input({ closes: cs })).vote).toBe("ABSTAIN");
  });

  it("cuts a BUY's confidence when RSI is overbought, and holds when it is extreme", () => {
    const calm = trendAgent(input({ closes: closes(zigzag(100, 0.5, 1.5)) }));
    const hot = trendAgent(input({ closes: closes(zigzag(100, 0.5, 0.5)) })); // RSI 75
    expect(calm.vote).toBe("BUY");
    expect(hot.vote).toBe("BUY");
    expect(hot.details.rsi as number).toBeGreaterThan(70);
    expect(hot.details.rsi as number).toBeLessThanOrEqual(80);
    expect(hot.confidence.lt(calm.confidence)).toBe(true);
    expect(hot.confidence.equals(calm.confidence.times("0.6"))).toBe(true); // both at the 0.9 ceiling before the cut
    expect(hot.rationale).toContain("overbought, confidence cut");

    const straightUp = trendAgent(input({ closes: closes((i) => 100 + i) })); // no down day: RSI 100
    expect(straightUp.vote).toBe("HOLD");
    expect(straightUp.rationale).toContain("overbought, not chasing");
  });

  it("sees a fresh cross on the bar it happens and votes on it though the spread is still small", () => {
    // Flat (zigzag) for 79 bars, then a jump that lifts SMA20 above SMA50 on the last bar only.
    const v = trendAgent(input({ closes: closes((i) => (i < 79 ? zigzag(100, 0, 1)(i) : 104)) }));
    expect(v.details.cross).toBe("up");
    expect(v.vote).toBe("BUY");
    expect(v.confidence.toString()).toBe("0.6"); // 0.5 + the cross bonus: the spread is under the flat band
    expect(v.rationale).toBe("SMA20 100.25 > SMA50 100.10 (crossed above today, +0.15%), RSI 56.8");
    // One bar later, with no new move, the same spread is flat.
    const after = trendAgent(input({ closes: closes((i) => (i < 79 ? zigzag(100, 0, 1)(i) : 104), 81).slice(1) }));
    expect(after.details.cross).toBeNull();
  });
});

describe("sentiment agent", () => {
  it("votes BUY on glowing recent headlines", () => {
    const v = sentimentAgent(
      input({
        news: [
          news("Nvidia shares surge as record profits beat expectations", 2),
          news("Analysts upgrade Nvidia after a brilliant quarter", 6, { summary: "Strong growth and great demand." }),
        ],
      }),
    );
    expect(v.vote).toBe("BUY");
    expect(v.confidence.gt("0.5")).toBe(true);
    expect(v.rationale).toMatch(/^2 headlines in 72 h \(0 stored, 2 scored\), recency-weighted tone \+0\.\d\d; loudest: "/);
    expectConfidenceShape(v);
  });

  it("votes SELL on terrible ones", () => {
    const v = sentimentAgent(input({ news: [news("Nvidia shares plunge after fraud probe", 1), news("Terrible losses and layoffs at Nvidia", 10)] }));
    expect(v.vote).toBe("SELL");
    expect(v.confidence.gt("0.5")).toBe(true);
  });

  it("abstains with only news older than 72 h (or from the future)", () => {
    const v = sentimentAgent(input({ news: [news("Nvidia shares surge", 73), news("Nvidia beats", 24 * 10), news("Tomorrow's news", -1)] }));
    expect(v).toMatchObject({ vote: "ABSTAIN", rationale: "no news in the last 72 h" });
  });

  it("uses the stored sentiment instead of re-scoring the text", () => {
    // Glowing words, stored as very negative: the stored score wins.
    const v = sentimentAgent(input({ news: [news("Nvidia shares surge to a brilliant record", 1, { sentiment: "-0.9000" })] }));
    expect(v.vote).toBe("SELL");
    expect(v.details).toMatchObject({ stored: 1, scored: 0, average: -0.9 });
    // An unusable stored value is ignored and the text scored.
    expect(sentimentAgent(input({ news: [news("Nvidia shares surge to a brilliant record", 1, { sentiment: "n/a" })] })).vote).toBe("BUY");
  });

  it("weights by recency: a fresh headline outweighs an older opposite one", () => {
    const freshGood = sentimentAgent(input({ news: [news("x", 1, { sentiment: "0.8" }), news("y", 48, { sentiment: "-0.8" })] }));
    expect(freshGood.vote).toBe("BUY");
    // 1 h vs 48 h at a 24 h half-life: weights 2^(-1/24) and 1/4.
    const w1 = Math.pow(0.5, 1 / 24);
    expect(freshGood.details.average).toBeCloseTo((0.8 * w1 - 0.8 * 0.25) / (w1 + 0.25), 4);
  });

  it("holds on neutral news", () => {
    expect(sentimentAgent(input({ news: [news("Nvidia to hold its annual meeting on Tuesday", 3)] })).vote).toBe("HOLD");
  });

  it("reads market words, and leaves the library's own word list alone", () => {
    expect(scoreText("Shares plunge")).toBeLessThan(-0.5);
    expect(scoreText("Shares soar")).toBeGreaterThan(0.5);
    expect(scoreText("Nvidia does not beat estimates")).toBeLessThan(0);
    expect(scoreText("Nvidia shares")).toBe(0); // AFINN alone gives "shares" +1
  });
});

describe("signals agent", () => {
  it("votes BUY on strong recent BUY signals", () => {
    const v = signalsAgent(input({ signals: [signal("BUY", "0.9", 2), signal("BUY", "0.8", 20, "screener"), signal("HOLD", "0.5", 90)] }));
    expect(v.vote).toBe("BUY");
    expect(v.confidence.gt("0.5")).toBe(true);
    expect(v.rationale).toMatch(/^3 signals in 5 days \(2 BUY, 0 SELL, 1 HOLD from screener, sma-cross\), weighted \+0\.\d\d$/);
    expectConfidenceShape(v);
  });

  it("votes SELL on SELL signals, weighted by confidence and recency", () => {
    const v = signalsAgent(input({ signals: [signal("SELL", "1", 0), signal("BUY", "1", 96)] }));
    // weights 1 and 2^(-2) = 0.25: (-1 + 0.25) / 1.25 = -0.6
    expect(v.vote).toBe("SELL");
    expect(v.confidence.toString()).toBe("0.6");
  });

  it("abstains with no signals in 5 days, and ignores the War Room's own", () => {
    expect(signalsAgent(input({ signals: [signal("BUY", "0.9", 24 * 5 + 1)] })).vote).toBe("ABSTAIN");
    expect(signalsAgent(input({ signals: [signal("BUY", "0.9", 1, "warroom")] })).vote).toBe("ABSTAIN");
    expect(signalsAgent(input()).rationale).toBe("no signals in the last 5 days");
  });

  it("holds on mixed signals", () => {
    expect(signalsAgent(input({ signals: [signal("BUY", "0.8", 1), signal("SELL", "0.8", 1)] })).vote).toBe("HOLD");
  });
});

describe("risk agent", () => {
  const rules = (v: AgentVote) => (v.vetoes ?? []).map((x) => [x.rule, [...x.sides]]);

  it("holds without a veto when every rule passes, and says what it checked", () => {
    const v = riskAgent(input());
    expect(v).toMatchObject({ vote: "HOLD", veto: false });
    expect(v.rationale).toBe("checked kill switch ACTIVE; phase shadow trades; NVDA 0.00% of equity < 30%; 0/20 orders today; price 30 s old (limit 300 s): no veto");
  });

  it("vetoes everything when the kill switch is halted or unknown", () => {
    for (const killSwitch of ["HALTED", "UNKNOWN"] as const) {
      const v = riskAgent(input({ account: account({ killSwitch }) }));
      expect(v.veto).toBe(true);
      expect(v.vote).toBe("HOLD");
      expect(rules(v)).toEqual([["kill_switch", ["BUY", "SELL"]]]);
    }
  });

  it("vetoes a BUY in a phase that places no orders", () => {
    expect(rules(riskAgent(input({ account: account({ phase: "live-prep" }) })))).toEqual([["phase_no_trading", ["BUY"]]]);
  });

  it("vetoes a BUY at or over the concentration limit, from either figure", () => {
    const at = riskAgent(input({ account: account({ positionValue: new Dec("30000"), concentrationPct: 30, heldQuantity: 300 }) }));
    expect(rules(at)).toEqual([["concentration", ["BUY"]]]);
    expect(at.rationale).toContain("NVDA 30.00% of equity, at or over the 30% limit");
    // The reported share understates: the figures win (fail closed).
    expect(rules(riskAgent(input({ account: account({ positionValue: new Dec("31000"), concentrationPct: 5, heldQuantity: 310 }) })))).toEqual([["concentration", ["BUY"]]]);
    expect(riskAgent(input({ account: account({ positionValue: new Dec("29999"), concentrationPct: 29.999, heldQuantity: 299 }) })).veto).toBe(false);
    expect(rules(riskAgent(input({ account: account({ equity: new Dec(0) }) })))).toEqual([["concentration", ["BUY"]]]);
  });

  it("vetoes everything once the daily trade limit is reached", () => {
    expect(rules(riskAgent(input({ account: account({ ordersToday: 20 }) })))).toEqual([["daily_trade_limit", ["BUY", "SELL"]]]);
    expect(riskAgent(input({ account: account({ ordersToday: 19 }) })).veto).toBe(false);
  });

  it("vetoes everything with a missing, timeless or stale price", () => {
    expect(rules(riskAgent(input({ lastPrice: null })))).toEqual([["no_price", ["BUY", "SELL"]]]);
    expect(rules(riskAgent(input({ priceTime: null })))).toEqual([["stale_price", ["BUY", "SELL"]]]);
    const stale = riskAgent(input({ priceTime: new Date(NOW.getTime() - 301_000) }));
    expect(rules(stale)).toEqual([["stale_price", ["BUY", "SELL"]]]);
    expect(stale.rationale).toContain("the NVDA price is 301 s old (limit 300 s)");
    expect(riskAgent(input({ priceTime: new Date(NOW.getTime() - 300_000) })).veto).toBe(false);
    // Market closed: yesterday's close is the price, not a stale one.
    expect(riskAgent(input({ priceTime: new Date(NOW.getTime() - 20 * HOUR), account: account({ marketOpen: false }) })).veto).toBe(false);
    // Not told: held to the limit all the same.
    const unsaid = account();
    delete unsaid.marketOpen;
    expect(riskAgent(input({ priceTime: new Date(NOW.getTime() - 20 * HOUR), account: unsaid })).veto).toBe(true);
  });

  it("does not stand in the way of a SELL that reduces a position over the limit in a no-trading phase, but a missing price does", () => {
    const heavy = account({ heldQuantity: 400, positionValue: new Dec("40000"), concentrationPct: 40, phase: "live-prep" });
    const v = riskAgent(input({ account: heavy }));
    expect(v.veto).toBe(true);
    expect((v.vetoes ?? []).every((x) => !x.sides.includes("SELL"))).toBe(true);
    const noPrice = riskAgent(input({ account: heavy, lastPrice: null }));
    expect((noPrice.vetoes ?? []).some((x) => x.rule === "no_price" && x.sides.includes("SELL"))).toBe(true);
  });
});

describe("runAgents", () => {
  it("runs the four pure agents in a fixed order", () => {
    expect(runAgents(input()).map((v) => v.agent)).toEqual(["trend", "sentiment", "signals", "risk"]);
  });
});
