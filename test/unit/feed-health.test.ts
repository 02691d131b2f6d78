import { describe, expect, it } from "vitest";
import { describeFeed, feedHealth, type FeedReport } from "../../src/domain/feed-health.js";
import { coalesce, timeTick, type PendingBar } from "../../src/domain/tick-coalescing.js";
import { Dec } from "../../src/domain/decimal.js";

const T0 = new Date("2026-11-24T15:00:00Z");
const after = (s: number) => new Date(T0.getTime() + s * 1000);
const report = (r: Partial<FeedReport>): FeedReport => ({
  name: "alpaca:iex", state: "live", reason: "", since: T0, followed: 3, refused: {}, lastTickAt: null, lastTickTicker: null, ticks: 0, reportedAt: T0, ...r,
});

describe("feed health", () => {
  it("is up while live and reporting, down when it says so, when connecting too long, or when its reports stop", () => {
    expect(feedHealth(report({}), after(10))).toEqual({ up: true, detail: "" });
    expect(feedHealth(report({ state: "down", reason: "closed by the server" }), after(1))).toEqual({ up: false, detail: "closed by the server" });
    expect(feedHealth(report({ state: "connecting", reportedAt: after(60) }), after(59)).up).toBe(true);
    expect(feedHealth(report({ state: "connecting", reportedAt: after(61) }), after(61))).toEqual({ up: false, detail: "still connecting after 61 s" });
    expect(feedHealth(report({}), after(31)).detail).toMatch(/^no report from the process streaming alpaca:iex for 31 s/);
  });

  it("describes a feed for /status with its last trade and what it does not stream", () => {
    const text = describeFeed(report({ lastTickAt: after(58), lastTickTicker: "NVDA", refused: { TSLA: "symbol limit" }, reportedAt: after(60) }), after(60));
    expect(text).toBe("alpaca:iex live for 60 s, 3 tickers, last trade NVDA 2 s ago, not streamed: TSLA");
    expect(describeFeed(report({ state: "down", reason: "auth failed" }), after(5))).toBe("alpaca:iex DOWN: auth failed, 3 tickers, no trade yet");
  });
});

describe("tick coalescing", () => {
  it("keeps open, high, low, newest close and summed volume per minute, and never lets an older tick become the close", () => {
    const pending: PendingBar[] = [];
    const t = (price: string, s: number, size = 1n) => ({ ticker: "NVDA", price: new Dec(price), size, time: after(s), source: "x" });
    coalesce(pending, t("10", 1), 0);
    coalesce(pending, t("12", 3, 2n), 0);
    coalesce(pending, t("9", 2), 0); // arrived late within the minute
    coalesce(pending, t("11", 61), 0);
    expect(pending.map((b) => [b.open.toFixed(), b.high.toFixed(), b.low.toFixed(), b.close.toFixed(), b.volume, b.time])).toEqual([
      ["10", "12", "9", "12", 4n, after(3)],
      ["11", "11", "11", "11", 1n, after(61)],
    ]);
  });

  it("clamps a tick from the future to the desk's clock and drops one older than the newest stored", () => {
    expect(timeTick(after(10), after(5).getTime(), undefined, 2000)).toEqual({ kind: "ahead", time: after(5), aheadMs: 5000 });
    expect(timeTick(after(6), after(5).getTime(), undefined, 2000)).toEqual({ kind: "ok", time: after(6) });
    expect(timeTick(after(4), after(5).getTime(), after(4.5).getTime(), 2000)).toEqual({ kind: "late", newestMs: after(4.5).getTime() });
  });
});
