import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Decimal } from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Issue 15's "Done when": `npm run backtest` runs with no database configured, and its numbers
 * are reproduced by a different code path. This file runs the real CLI, then recomputes every
 * fill, the books, each day's equity, the metrics, the benchmark and the gate from the CSV bars
 * with its own arithmetic. Nothing is imported from src/: the only inputs taken from the JSON are
 * the strategy's choices (which ticker, side and quantity on which day), which only the War Room
 * itself could recompute.
 */

// The desk's decimal settings (src/domain/decimal.ts), configured here on their own.
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
type D = Decimal;

const TICKERS = ["NVDA", "ORCL", "YHOO"];
const FROM = "2004-01-01";
const TO = "2013-12-31";
const CAPITAL = new D(100_000);
// Passed explicitly (the defaults are 5 bps and no commission) so that the commission is checkable.
const SLIPPAGE_BPS = 5;
const COMMISSION = new D(1);
const ARGS = ["--tickers", TICKERS.join(","), "--data", "demo/prices", "--from", FROM, "--to", TO, "--strategy", "warroom", "--slippage-bps", "5", "--commission-per-order", "1"];

type Side = "BUY" | "SELL";
interface Bar { date: string; open: D; high: D; low: D; close: D }
interface JsonFill { reference: string; referencePrice: string; price: string; commission: string; gross: string; net: string; slippageCost: string }
interface Trade { date: string; ticker: string; source: "strategy" | "stop-loss"; side: Side; quantity: number; fill: JsonFill; realizedPnl: string; stopAfter: string | null; reason: string }
type Figures = Record<string, string | number | null>;
interface Report {
  header: { costs: string; capital: string };
  run: { trades: Trade[]; days: { day: string; allowed: boolean; cash: string; positionsValue: string; equity: string }[]; allowedDays: number; final: { cash: string; positions: { ticker: string; quantity: number; costBasis: string; realizedPnl: string }[] } };
  portfolio: { metrics: Figures; performance: Figures };
  benchmark: { holdings: { ticker: string; quantity: number; fill: JsonFill | null }[]; cash: string; equityCurve: { day: string; equity: string }[]; metrics: Figures; performance: Figures };
  gate: { passed: boolean; checks: { gate: string; value: string; passed: boolean }[] };
}

const bars = new Map(TICKERS.map((t) => [t, readBars(`demo/prices/${t.toLowerCase()}-daily.csv`)]));
const barIndex = new Map(TICKERS.map((t) => [t, new Map(bars.get(t)!.map((b, i) => [b.date, i]))]));
let report: Report, stdout: string, stderr: string, dataDir: string, png: Buffer;
let replayed: ReturnType<typeof replay> | undefined;
/** The recomputation, once: it only reads the bars and the strategy's orders. */
const recomputed = () => (replayed ??= replay(report.run.trades));

let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "wr-backtest-out-"));
  dataDir = mkdtempSync(join(tmpdir(), "wr-backtest-data-"));
  // No DATABASE_URL and no REDIS_URL: only what a shell needs, a scratch DATA_DIR and CI.
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", DATA_DIR: dataDir, CI: "true", LOG_LEVEL: "info" };
  const args = ["--import", "tsx", "src/main/backtest.ts", ...ARGS, "--json", join(out, "out.json"), "--chart", join(out, "out.png")];
  const result = await promisify(execFile)(process.execPath, args, { env, maxBuffer: 64 << 20 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  expect(result.code, result.stderr).toBe(0);
  ({ stdout, stderr } = result);
  report = JSON.parse(readFileSync(join(out, "out.json"), "utf8")) as Report;
  png = readFileSync(join(out, "out.png"));
}, 120_000);
afterAll(() => [out, dataDir].forEach((dir) => dir && rmSync(dir, { recursive: true, force: true })));

describe("npm run backtest, recomputed from the bars and the JSON", () => {
  it("runs without a database, writes the JSON and a PNG, and keeps stdout for the report", () => {
    expect(readdirSync(dataDir)).toEqual([]); // nothing started, nothing written
    // The PNG signature, then IHDR's width and height: 900 x 500 drawn at scale 2; a real picture, not a stub.
    expect([png.subarray(0, 8).toString("hex"), png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual(["89504e470d0a1a0a", 1800, 1000]);
    expect(png.length > 20_000 && png.length < 5_000_000, `${png.length} bytes`).toBe(true);
    expect(stdout).toContain("Backtest NVDA, ORCL, YHOO 2004-01-02 .. 2013-12-31");
    expect(stdout).toContain(`closed trades ${report.run.trades.filter((t) => t.side === "SELL").length}`);
    // No JSON and no pino line (JSON objects with a level) on stdout.
    expect(stdout.split("\n").filter((line) => line.trimStart().startsWith("{") || line.includes('"format"'))).toEqual([]);
    const progress = /^(reading \d+ file\(s\)…|running \d+ sessions of [A-Z, ]+…|wrote \S+\.(json|png))$/;
    expect(stderr.trim().split("\n").filter((line) => !progress.test(line))).toEqual([]);
    expect(report.header.costs).toBe("slippage 5 bps against the trade; commission 1.00 per order; cash to the cent, half-up");
    expect(report.header.capital).toBe("100000");
  });

  it("prices every fill from its bar: strategy orders at the open after the decision, stops at the stop or the gapped open", () => {
    const { fills, ruleBreaks } = recomputed();
    expect(ruleBreaks).toEqual([]);
    report.run.trades.forEach((t, i) => {
      const mine = fills[i]!;
      const what = `${t.date} ${t.ticker} ${t.side} ${t.quantity}`;
      expect(t.fill.reference, what).toBe(mine.reference);
      for (const key of ["referencePrice", "price", "gross", "commission", "net", "slippageCost"] as const) expect(t.fill[key], `${what} ${key}`).toBe(mine[key].toString());
    });
  });

  it("keeps the same books: average cost, each SELL's realised P&L, final positions and cash", () => {
    const { realized, positions, cash } = recomputed();
    report.run.trades.forEach((t, i) => expect(t.realizedPnl, `${t.date} ${t.ticker} ${t.side}`).toBe(realized[i]!.toString()));
    for (const p of report.run.final.positions) {
      const mine = positions.get(p.ticker)!;
      expect([p.quantity, p.costBasis, p.realizedPnl], p.ticker).toEqual([mine.quantity, mine.costBasis.toString(), mine.realized.toString()]);
    }
    expect(report.run.final.cash).toBe(cash.toString());
  });

  it("values every day at cash plus each holding at its last close, to the last digit", () => {
    const { days } = recomputed();
    expect(report.run.days.map((d) => d.day)).toEqual(days.map((d) => d.day));
    report.run.days.forEach((d, i) => {
      const mine = days[i]!;
      expect([d.cash, d.positionsValue, d.equity].map(normal), d.day).toEqual([mine.cash, mine.positionsValue, mine.equity].map(normal));
    });
  });

  it("reproduces the portfolio's metrics from its own equity curve and closed trades", () => {
    const { days, realized, fills } = recomputed();
    const closed = realized.filter((_, i) => report.run.trades[i]!.side === "SELL");
    const mine = metrics(days, closed, fills);
    const { metrics: m, performance: p } = report.portfolio;
    expect(m.tradeCount).toBe(closed.length);
    for (const key of ["winRate", "profitFactor", "totalReturn", "maxDrawdown", "sharpe"] as const) expectClose(m[key], mine[key], key);
    for (const key of ["cagr", "volatility", "sortino", "exposure", "turnover", "commissionPaid", "tradedValue"] as const) expectClose(p[key], mine[key], key);
  });

  it("reproduces the buy-and-hold benchmark: equal allotments bought at the first open, held to the end", () => {
    const allotment = CAPITAL.div(TICKERS.length).toDecimalPlaces(2, D.ROUND_DOWN); // 33333.33
    let cash = CAPITAL;
    const held = TICKERS.map((ticker, i) => {
      const first = inRange(ticker)[0]!;
      const quantity = mostShares(first.open, allotment);
      const fill = fillOf("BUY", quantity, "open", first.open);
      cash = cash.plus(fill.net);
      expect(report.benchmark.holdings[i]!.quantity, ticker).toBe(quantity);
      expect(report.benchmark.holdings[i]!.fill?.net, ticker).toBe(fill.net.toString());
      return { ticker, quantity };
    });
    expect(report.benchmark.cash).toBe(cash.toString());
    const days = tradingDays().map((day) => {
      const value = held.reduce((sum, h) => sum.plus(closeOnOrBefore(h.ticker, day).mul(h.quantity)), new D(0));
      return { day, cash, positionsValue: value, equity: cash.plus(value) };
    });
    expect(report.benchmark.equityCurve.map((p) => [p.day, normal(p.equity)])).toEqual(days.map((d) => [d.day, normal(d.equity)]));
    const mine = metrics(days, [], []);
    for (const key of ["totalReturn", "maxDrawdown", "sharpe"] as const) expectClose(report.benchmark.metrics[key], mine[key], `benchmark ${key}`);
    for (const key of ["cagr", "volatility", "exposure"] as const) expectClose(report.benchmark.performance[key], mine[key], `benchmark ${key}`);
  });

  it("counts the gate in allowed days and closed trades", () => {
    const allowed = report.run.days.filter((d) => d.allowed).length;
    const sells = report.run.trades.filter((t) => t.side === "SELL").length;
    const value = (gate: string) => report.gate.checks.find((c) => c.gate === gate)!.value;
    expect(report.run.allowedDays).toBe(allowed);
    expect(value("days")).toBe(String(allowed));
    expect(value("closed_trades")).toBe(String(sells));
    // Each gate is value >= target (src/domain/phase-gate.ts's PROMOTION_TARGETS: 90 days, 30 trades, 55%, 1.5, -15%).
    const m = report.portfolio.metrics;
    const expected = [allowed >= 90, sells >= 30, new D(m.winRate!).gte("0.55"), m.profitFactor === "infinite" || new D(m.profitFactor!).gte("1.5"), new D(m.maxDrawdown!).gte("-0.15")];
    expect(report.gate.checks.map((c) => c.passed)).toEqual(expected);
    expect(report.gate.passed).toBe(expected.every(Boolean));
  });
});

// ---- the recomputation -------------------------------------------------------------------

interface Fill { side: Side; reference: "open" | "stop"; referencePrice: D; price: D; gross: D; commission: D; net: D; slippageCost: D }
interface Position { quantity: number; costBasis: D; realized: D; stop: D | null }
interface DayValue { day: string; cash: D; positionsValue: D; equity: D }

/**
 * Walks the run day by day through the bars, taking from the JSON only the strategy's orders:
 * prices each fill, checks the stop rule, keeps average-cost books, and values each close.
 */
function replay(trades: readonly Trade[]) {
  const fills: Fill[] = [];
  const realized: D[] = [];
  const ruleBreaks: string[] = [];
  const positions = new Map<string, Position>(TICKERS.map((t) => [t, { quantity: 0, costBasis: new D(0), realized: new D(0), stop: null }]));
  const days: DayValue[] = [];
  let cash = CAPITAL;
  let next = 0;
  const book = (t: Trade, fill: Fill, orderStop: D | null) => {
    const p = positions.get(t.ticker)!;
    cash = cash.plus(fill.net); // cash moves by exactly the net
    if (t.side === "BUY") {
      p.costBasis = p.costBasis.minus(fill.net); // a BUY adds gross + commission
      realized.push(new D(0));
    } else {
      // A SELL removes its share of the cost, to the cent half-up, or all of it when flat after.
      const removed = t.quantity === p.quantity ? p.costBasis : p.costBasis.mul(t.quantity).div(p.quantity).toDecimalPlaces(2, D.ROUND_HALF_UP);
      p.costBasis = p.costBasis.minus(removed);
      realized.push(fill.net.minus(removed));
      p.realized = p.realized.plus(fill.net.minus(removed));
    }
    p.quantity += t.side === "BUY" ? t.quantity : -t.quantity;
    // The stop in force afterwards: a BUY's own; a SELL keeps it while shares are left; flat has none.
    p.stop = p.quantity === 0 ? null : (orderStop ?? p.stop);
    if (String(p.stop ?? null) !== String(t.stopAfter === null ? null : new D(t.stopAfter))) ruleBreaks.push(`${t.date} ${t.ticker}: stopAfter ${t.stopAfter}, not ${String(p.stop)}`);
    fills.push(fill);
  };
  for (const day of tradingDays()) {
    const today = TICKERS.flatMap((ticker) => {
      const index = barIndex.get(ticker)!.get(day);
      return index === undefined ? [] : [{ ticker, index, bar: bars.get(ticker)![index]!, p: positions.get(ticker)! }];
    });
    // 1. Every ticker's open first: the strategy's orders, decided on the previous close, filled at this open.
    for (const { ticker, index, bar, p } of today) {
      for (; trades[next]?.date === day && trades[next]!.ticker === ticker && trades[next]!.source === "strategy"; next++) {
        const t = trades[next]!;
        const decidedOn = bars.get(ticker)![index - 1];
        if (!decidedOn) ruleBreaks.push(`${day} ${ticker}: a fill with no earlier bar to decide on`);
        if (t.side === "SELL" && t.quantity > p.quantity) ruleBreaks.push(`${day} ${ticker}: sold ${t.quantity} of ${p.quantity}`);
        // The War Room's BUY is sized on the previous close ("at ~", to the cent) with a stop 5% under it.
        const stop = t.side === "BUY" && decidedOn ? decidedOn.close.mul("0.95").toDecimalPlaces(2) : null;
        const named = /at ~([\d.]+), stop ([\d.]+)/.exec(t.reason);
        if (stop && (named?.[1] !== decidedOn!.close.toFixed(2) || named[2] !== stop.toFixed(2))) ruleBreaks.push(`${day} ${ticker}: "${t.reason}" is not decided on ${decidedOn!.date}'s close ${decidedOn!.close.toString()}`);
        book(t, fillOf(t.side, t.quantity, "open", bar.open), stop);
      }
    }
    // 2. Then the stops, on the fill bar too: touched by the low -> at the stop; opened under it -> at the open.
    for (const { ticker, bar, p } of today) {
      const t = trades[next];
      const stopped = t?.date === day && t.ticker === ticker && t.source === "stop-loss";
      const due = p.quantity > 0 && p.stop !== null && bar.low.lte(p.stop);
      if (stopped !== due) ruleBreaks.push(`${day} ${ticker}: stop ${p.stop?.toString()} low ${bar.low.toString()}: ${due ? "no stop exit" : "a stop exit without a hit"}`);
      if (stopped) {
        if (t.side !== "SELL" || t.quantity !== p.quantity) ruleBreaks.push(`${day} ${ticker}: the stop exit ${t.side} ${t.quantity} of ${p.quantity} held`);
        const gap = p.stop === null || bar.open.lt(p.stop);
        book(t, fillOf("SELL", t.quantity, gap ? "open" : "stop", gap ? bar.open : p.stop!), null);
        next++;
      }
    }
    // 3. The close: each holding at its newest close (a ticker without a bar today keeps its last).
    const positionsValue = TICKERS.reduce((sum, t) => sum.plus(closeOnOrBefore(t, day).mul(positions.get(t)!.quantity)), new D(0));
    days.push({ day, cash, positionsValue, equity: cash.plus(positionsValue) });
  }
  if (next !== trades.length) ruleBreaks.push(`trade ${next} (${JSON.stringify(trades[next])}) is out of order or on no bar of its ticker`);
  return { fills, realized, ruleBreaks, positions, cash, days };
}

/**
 * A fill at `referencePrice` moved against the trade by the slippage (6 places, half-even); gross
 * and commission to the cent, half-up. By hand, NVDA's BUY 2586 at the 2004-01-02 open 7.856667:
 * 7.856667 x 1.0005 = 7.8605953335 -> 7.860595; x 2586 = 20327.49867 -> 20327.50; net -20328.50.
 */
function fillOf(side: Side, quantity: number, reference: Fill["reference"], referencePrice: D): Fill {
  const factor = new D(1).plus(new D(SLIPPAGE_BPS).div(10_000).mul(side === "BUY" ? 1 : -1));
  const price = referencePrice.mul(factor).toDecimalPlaces(6, D.ROUND_HALF_EVEN);
  const gross = price.mul(quantity).toDecimalPlaces(2, D.ROUND_HALF_UP);
  const commission = COMMISSION.toDecimalPlaces(2, D.ROUND_HALF_UP);
  const net = side === "BUY" ? gross.plus(commission).neg() : gross.minus(commission);
  return { side, reference, referencePrice, price, gross, commission, net, slippageCost: price.minus(referencePrice).abs().mul(quantity) };
}

/** The most whole shares whose BUY at `open`, costs included, fits `cash`: counted up from the estimate, not searched. */
function mostShares(open: D, cash: D): number {
  const cost = (q: number) => fillOf("BUY", q, "open", open).net.neg();
  let q = cash.div(open).floor().toNumber();
  while (q > 0 && cost(q).gt(cash)) q--;
  while (cost(q + 1).lte(cash)) q++;
  return q;
}

/** The metrics' definitions (src/domain/metrics.ts, performance.ts), written out again. */
function metrics(days: readonly DayValue[], closed: readonly D[], fills: readonly Fill[]): Record<string, D | "infinite" | null> {
  const sum = (xs: readonly D[]) => xs.reduce((s, x) => s.plus(x), new D(0));
  const mean = (xs: readonly D[]) => sum(xs).div(xs.length);
  const n = days.length;
  const final = days[n - 1]!.equity;
  // Daily returns between consecutive closes; the first day's move from the capital is not one.
  const returns = days.slice(1).map((d, i) => d.equity.div(days[i]!.equity).minus(1));
  const average = mean(returns);
  const stdev = sum(returns.map((r) => r.minus(average).pow(2))).div(returns.length - 1).sqrt();
  const sqrt252 = new D(252).sqrt();
  // The capital is the first peak.
  let peak = CAPITAL;
  let worst = new D(0);
  for (const { equity } of days) {
    peak = D.max(peak, equity);
    worst = D.min(worst, equity.div(peak).minus(1));
  }
  const wins = closed.filter((x) => x.gt(0));
  const losses = closed.filter((x) => x.lt(0));
  // Sortino's downside deviation: the losing days' squares over all n returns.
  const downside = sum(returns.filter((r) => r.lt(0)).map((r) => r.pow(2))).div(returns.length).sqrt();
  const traded = sum(fills.map((f) => f.gross));
  return {
    winRate: closed.length ? new D(wins.length).div(closed.length) : null,
    profitFactor: losses.length ? sum(wins).div(sum(losses).abs()) : wins.length ? "infinite" : null,
    totalReturn: final.div(CAPITAL).minus(1),
    maxDrawdown: worst,
    sharpe: average.div(stdev).mul(sqrt252),
    cagr: final.div(CAPITAL).pow(new D(252).div(n)).minus(1),
    volatility: stdev.mul(sqrt252),
    sortino: returns.some((r) => r.lt(0)) ? average.div(downside).mul(sqrt252) : null,
    exposure: mean(days.map((d) => d.positionsValue.div(d.equity))),
    // Half the traded value per year over the mean equity.
    turnover: traded.div(2).div(mean(days.map((d) => d.equity))).mul(252).div(n),
    commissionPaid: sum(fills.map((f) => f.commission)),
    tradedValue: traded,
  };
}

/** Equal to 1e-20 relative: 40-digit decimals whose fractional powers and roots may differ in the last digits. */
function expectClose(actual: string | number | null | undefined, expected: D | "infinite" | null | undefined, what: string): void {
  if (expected === null || expected === "infinite" || actual === null) return void expect(actual, what).toBe(expected);
  const diff = new D(actual!).minus(expected!).abs();
  expect(diff.lte(expected!.abs().mul("1e-20")), `${what}: ${String(actual)} vs ${expected!.toString()}`).toBe(true);
}

/** Yahoo CSV: Date,Open,High,Low,Close,Adj Close,Volume, oldest first. */
function readBars(path: string): Bar[] {
  const [, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  return lines.map((line) => {
    const [date, open, high, low, close] = line.split(",");
    return { date: date!, open: new D(open!), high: new D(high!), low: new D(low!), close: new D(close!) };
  });
}

const inRange = (ticker: string): Bar[] => bars.get(ticker)!.filter((b) => b.date >= FROM && b.date <= TO);

/** The run's sessions: every day any ticker has a bar in range. */
function tradingDays(): string[] {
  return [...new Set(TICKERS.flatMap((t) => inRange(t).map((b) => b.date)))].sort();
}

function closeOnOrBefore(ticker: string, day: string): D {
  const index = barIndex.get(ticker)!.get(day);
  return (index === undefined ? bars.get(ticker)!.findLast((b) => b.date <= day) : bars.get(ticker)![index])?.close ?? new D(0);
}

/** One spelling per value ("1.50" and "1.5" alike), for exact comparison. */
const normal = (value: string | D): string => new D(value).toString();
