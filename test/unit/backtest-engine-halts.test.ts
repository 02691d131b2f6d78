import { describe, expect, it } from "vitest";
import { type BacktestConfig, type BacktestRun, type BacktestTrade, runBacktest } from "../../src/domain/backtest/engine.js";
import { type BacktestStrategy, DEFAULT_WARROOM_SETTINGS, type DecisionInput, type StrategyDecision, warRoomStrategy } from "../../src/domain/backtest/strategies.js";
import type { TriggerThresholds } from "../../src/domain/kill-switch/triggers.js";
import type { Signal } from "../../src/domain/vocabulary.js";
import { bar, config as configWithCosts, COSTS, d, flat, FREE, scripted as scriptedWithLog, show, THRESHOLDS } from "../support/backtest.js";

/**
 * Scenario tests of the backtest engine's kill switch: halts and their policies, the trading-day
 * count of the promotion gate, and the War Room deciding point-in-time (halted, its risk agent
 * vetoes). Halt scenarios run without costs so the equity arithmetic stays short.
 */

const config = (strategy: BacktestStrategy, overrides: Partial<BacktestConfig> = {}) => configWithCosts(strategy, { costs: FREE, ...overrides });
/** The scripted strategy alone (these tests do not read what it was handed). */
const scripted = (script: Record<string, [Signal, number, number?]>) => scriptedWithLog(script).strategy;

const line = (t: BacktestTrade) => `${t.date} ${t.source} ${t.side} ${t.quantity} @ ${show(t.fill.price)} pnl ${show(t.realizedPnl)}`;
const dayFlags = (run: BacktestRun) => run.days.map((x) => `${x.day} ${x.allowed ? "allowed" : "halted"} at open, ${x.haltedAtClose ? "halted" : "active"} at close`);

describe("runBacktest: a kill-switch trigger halts the book at the close", () => {
  // BUY 80 at 01-03's open 100: cash 2000, equity 10000 (the peak). 01-04 closes at 85:
  // 2000 + 80 x 85 = 8800, -12% from both the peak and the start of the day.
  // The stop 80 is reached on 01-08 (low 79): a stop-loss SELL at 80.
  const bars = [flat("2024-01-02", 100), bar("2024-01-03", 100, 101, 99, 100), bar("2024-01-04", 99, 99, 84, 85), bar("2024-01-05", 84, 86, 83, 84), bar("2024-01-08", 82, 83, 79, 80)];
  const days = bars.map((b) => b.date);
  const script = scripted({ "AAA 2024-01-03": ["BUY", 80, 80], "AAA 2024-01-05": ["BUY", 5] });
  const run = (haltPolicy: BacktestConfig["haltPolicy"], limits: Partial<TriggerThresholds>) =>
    runBacktest([{ ticker: "AAA", warmup: [], bars }], days, config(script, { haltPolicy, thresholds: { ...THRESHOLDS, ...limits } }));

  it.each([
    ["max_drawdown", { maxDrawdownPct: 10 }],
    ["daily_loss", { dailyLossPct: 10 }],
  ] as const)("'stay': %s halts once; later BUYs are refused, the stop-loss exit still passes", (trigger, limits) => {
    const out = run("stay", limits);
    expect(out.halts).toEqual([{ date: "2024-01-04", kind: "halt", trigger, reason: `${trigger}: -12.0000% vs limit -10%`, reading: "-12.0000% vs limit -10%" }]);
    expect(out.refusals).toEqual([{ date: "2024-01-05", ticker: "AAA", side: "BUY", quantity: 5, codes: ["kill_switch_halted"], messages: ["trading is halted"] }]);
    // 80 x (80 - 100) = -1600; cash 2000 + 6400 = 8400.
    expect(out.trades.map(line)).toEqual(["2024-01-03 strategy BUY 80 @ 100.00 pnl 0.00", "2024-01-08 stop-loss SELL 80 @ 80.00 pnl -1600.00"]);
    expect(show(out.final.cash)).toBe("8400.00");
    // The halt day counts (trading was allowed at its open); the two days spent halted do not.
    expect(dayFlags(out)).toEqual([
      "2024-01-02 allowed at open, active at close",
      "2024-01-03 allowed at open, active at close",
      "2024-01-04 allowed at open, halted at close",
      "2024-01-05 halted at open, halted at close",
      "2024-01-08 halted at open, halted at close",
    ]);
    expect([out.sessions, out.allowedDays, out.final.halted]).toEqual([5, 3, true]);
  });

  it("'resume-next-session': the next open lists a resume, a BUY passes that morning, the trigger is armed again the day after", () => {
    const out = run("resume-next-session", { maxDrawdownPct: 10 });
    // 01-05: BUY 5 at 84, cash 1580; close 1580 + 85 x 84 = 8720, -12.8% from the peak 10000, but
    // max_drawdown was acknowledged that morning: quiet until the day ends.
    // 01-08: the stop 80 (kept: the BUY named none) sells 85 at 80, cash 8380, -16.2%: halts again.
    expect(out.halts).toEqual([
      { date: "2024-01-04", kind: "halt", trigger: "max_drawdown", reason: "max_drawdown: -12.0000% vs limit -10%", reading: "-12.0000% vs limit -10%" },
      { date: "2024-01-05", kind: "resume", trigger: "max_drawdown", reason: "resumed at the 2024-01-05 open after acknowledging max_drawdown (halted 2024-01-04)", reading: "" },
      { date: "2024-01-08", kind: "halt", trigger: "max_drawdown", reason: "max_drawdown: -16.2000% vs limit -10%", reading: "-16.2000% vs limit -10%" },
    ]);
    expect(out.refusals).toEqual([]);
    // Cost basis 8000 + 420 = 8420, sold for 85 x 80 = 6800: -1620.
    expect(out.trades.map(line)).toEqual([
      "2024-01-03 strategy BUY 80 @ 100.00 pnl 0.00",
      "2024-01-05 strategy BUY 5 @ 84.00 pnl 0.00",
      "2024-01-08 stop-loss SELL 85 @ 80.00 pnl -1620.00",
    ]);
    expect(out.days.map((x) => show(x.equity))).toEqual(["10000.00", "10000.00", "8800.00", "8720.00", "8380.00"]);
    expect(out.days.every((x) => x.allowed)).toBe(true);
    expect([out.sessions, out.allowedDays, out.final.halted]).toEqual([5, 5, true]);
  });
});

describe("runBacktest: the gate counts trading days, never calendar days", () => {
  // Thursday 01-04 to Tuesday 01-09 across a weekend: six calendar days, four bars.
  // BUY 80 at Thursday's open 100 (decided on the warm-up close); Friday closes at 85: -12%.
  const warmup = [flat("2024-01-03", 100)];
  const bars = [bar("2024-01-04", 100, 101, 99, 100), bar("2024-01-05", 99, 99, 84, 85), flat("2024-01-08", 85), flat("2024-01-09", 85)];
  const days = bars.map((b) => b.date);
  const run = (haltPolicy: BacktestConfig["haltPolicy"], maxDrawdownPct: number) =>
    runBacktest([{ ticker: "AAA", warmup, bars }], days, config(scripted({ "AAA 2024-01-04": ["BUY", 80, 50] }), { haltPolicy, thresholds: { ...THRESHOLDS, maxDrawdownPct } }));

  it("a run without a halt counts the four bars' days", () => {
    const out = run("stay", 90);
    expect(out.days.map((x) => x.day)).toEqual(["2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"]);
    expect([out.sessions, out.allowedDays]).toEqual([4, 4]);
  });

  it("halted on Friday and staying: Thursday and Friday count, the weekend is no day at all", () => {
    const out = run("stay", 10);
    expect(out.halts.map((h) => `${h.date} ${h.kind}`)).toEqual(["2024-01-05 halt"]);
    expect([out.sessions, out.allowedDays]).toEqual([4, 2]);
  });

  it("halted on Friday, resumed at Monday's open (the next trading day, not Saturday)", () => {
    const out = run("resume-next-session", 10);
    // Monday and Tuesday still read -12% (flat at 85): Monday's is acknowledged, Tuesday's halts.
    expect(out.halts.map((h) => `${h.date} ${h.kind}`)).toEqual(["2024-01-05 halt", "2024-01-08 resume", "2024-01-09 halt"]);
    expect([out.sessions, out.allowedDays]).toEqual([4, 4]);
  });
});

/** n weekdays from `from` on: synthetic trading days (holidays do not matter to the engine). */
function weekdays(from: string, n: number): string[] {
  const out: string[] = [];
  for (const t = new Date(`${from}T00:00:00Z`); out.length < n; t.setUTCDate(t.getUTCDate() + 1)) {
    if (t.getUTCDay() !== 0 && t.getUTCDay() !== 6) out.push(t.toISOString().slice(0, 10));
  }
  return out;
}

describe("runBacktest: the War Room decides point-in-time", () => {
  // 61 warm-up closes climbing +3, -2, +3, ...: close i is 100 + i/2 (i even) or 100 + (i+5)/2
  // (i odd), so the last (i = 60) is 130. SMA20 = (127.5 + 125.5) / 2 = 126.5, SMA50 =
  // (120 + 118) / 2 = 119: spread +6.30%, past the 5% of full confidence: trend BUY 0.9. The
  // pullbacks keep RSI near 58 (a steady climb would read 100: "overbought, not chasing").
  // With no news and no signals, trend alone scores +0.9 >= 0.55: BUY.
  const all = weekdays("2023-10-02", 64);
  const warmup = all.slice(0, 61).map((date, i) => flat(date, i % 2 === 0 ? 100 + i / 2 : 100 + (i + 5) / 2));
  const [day1, day2, day3] = all.slice(61) as [string, string, string];
  // Risking 2%: $200 at 130 - 123.50 = $6.50 a share would be 30; the 20% position cap holds it to
  // floor(2000 / 130) = 15 (1950, 19.5% of the equity at the previous close).
  const settings = { ...DEFAULT_WARROOM_SETTINGS, riskFraction: d("0.02") };
  const withDecisions = () => {
    const room = warRoomStrategy(settings);
    const seen: { input: DecisionInput; decision: StrategyDecision }[] = [];
    const strategy: BacktestStrategy = { ...room, decide: (input) => {
      const decision = room.decide(input);
      seen.push({ input, decision });
      return decision;
    } };
    return { strategy, seen };
  };
  const limits = { ...THRESHOLDS, concentrationPct: 30 };
  // Day 1 opens at 131 and closes at 127: above the stop 123.50 all day.
  const bars = [bar(day1, 131, 132, 126.5, 127), bar(day2, 127, 129, 126, 128), bar(day3, 128, 130, 127, 129)];

  it("buys on the first run day, sized by the chair, with the chair's stop", () => {
    expect([warmup.length, warmup.at(-1)!.close.toString(), day1]).toEqual([61, "130", "2023-12-26"]);
    const { strategy, seen } = withDecisions();
    const run = runBacktest([{ ticker: "AAA", warmup, bars }], [day1, day2, day3], config(strategy, { costs: COSTS, thresholds: limits }));
    const first = seen[0]!;
    expect(first.input.closes).toHaveLength(61);
    expect(show(first.input.account.equity)).toBe("10000.00");
    expect(first.decision.votes.map((v) => `${v.agent} ${v.vote} ${v.confidence.toString()}`)).toEqual(["trend BUY 0.9", "sentiment ABSTAIN 0", "signals ABSTAIN 0", "risk HOLD 1"]);
    // 131 x 1.001 = 131.131; 15 x 131.131 = 1966.965 -> 1966.97; commission 1.075 -> 1.08.
    expect(run.trades).toHaveLength(1);
    const t = run.trades[0]!;
    expect([t.date, t.side, t.quantity, show(t.fill.price), show(t.fill.net), show(t.stopAfter!)]).toEqual([day1, "BUY", 15, "131.131", "-1968.05", "123.50"]);
    expect(t.reason).toBe("BUY 15 at ~130.00, stop 123.50 (risking 2% of equity, $200.00, at $6.50 a share: 30, capped to 15 by the 20% position limit), score +0.9000 (act at ±0.55)");
    expect(d(130).times(t.quantity).lte(d(10000).times(settings.maxPositionPct).div(100))).toBe(true);
  });

  it("with the book halted, the risk agent vetoes and nothing more trades", () => {
    // Day 1 closes at 127: 8031.95 + 15 x 127 = 9936.95, -0.6305% on the day: past a 0.5% daily loss.
    const { strategy, seen } = withDecisions();
    const run = runBacktest([{ ticker: "AAA", warmup, bars }], [day1, day2, day3], config(strategy, { costs: COSTS, thresholds: { ...limits, dailyLossPct: 0.5 } }));
    expect(run.halts.map((h) => `${h.date} ${h.reason}`)).toEqual([`${day1} daily_loss: -0.6305% vs limit -0.5%`]);
    expect(run.trades.map((t) => t.date)).toEqual([day1]);
    expect(run.refusals).toEqual([]);
    const halted = seen.slice(1);
    expect(halted.map((s) => s.input.account.halted)).toEqual([true, true]);
    for (const { decision } of halted) {
      expect(decision.action).toBe("HOLD");
      expect(decision.reason).toBe("HOLD — vetoed by risk: kill_switch (trading is halted); the votes leaned BUY, score +0.9000 (act at ±0.55)");
      expect(decision.votes.find((v) => v.agent === "risk")?.vetoes).toEqual([{ rule: "kill_switch", sides: ["BUY", "SELL"], reason: "trading is halted" }]);
    }
    expect(run.decisions).toEqual({ BUY: 1, SELL: 0, HOLD: 2 });
  });
});
