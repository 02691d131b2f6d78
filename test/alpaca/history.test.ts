import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlpacaHistory, AlpacaHistoryError, type AlpacaHistoryOptions } from "../../src/adapters/market-data/alpaca/history.js";
import { dailyBarTime } from "../../src/domain/market-time.js";
import type { AlpacaFake, FakeBar } from "../support/alpaca-fake/server.js";
import { KEY_ID, SECRET, startFake } from "./harness.js";

const ZONE = "America/New_York";
let fake: AlpacaFake;

/** Weekdays from 2024-01-02 to 2024-03-29 (no holidays needed: the fake serves what it is given). */
function weekdayBars(): FakeBar[] {
  const bars: FakeBar[] = [];
  for (let t = Date.UTC(2024, 0, 2); t <= Date.UTC(2024, 2, 29); t += 86_400_000) {
    const day = new Date(t);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const i = bars.length;
    bars.push({ date: day.toISOString().slice(0, 10), o: `${100 + i}.1`, h: `${101 + i}.25`, l: `${99 + i}.0001`, c: `${100 + i}.3333`, v: 1_000_000 + i });
  }
  return bars;
}

/** The error the call failed with; a call that succeeds fails the test. */
async function failure(call: Promise<unknown>): Promise<AlpacaHistoryError> {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(AlpacaHistoryError);
  return outcome as AlpacaHistoryError;
}

function history(o: Partial<AlpacaHistoryOptions> = {}): AlpacaHistory {
  return new AlpacaHistory({ keyId: KEY_ID, secretKey: SECRET, feed: "iex", dataUrl: fake.url, timeZone: ZONE, timeoutMs: 2000, ...o });
}

beforeEach(async () => {
  fake = await startFake({ barsPageSize: 7 });
  fake.bars.set("AAPL", weekdayBars());
  fake.bars.set("MSFT", [{ date: "2024-03-15", o: "1", h: "1", l: "1", c: "1", v: 1 }]);
});

afterEach(async () => {
  await fake.close();
});

describe("AlpacaHistory.dailyBars", () => {
  it("follows every page and returns the newest `days` sessions, oldest first, stamped at the session close", async () => {
    const bars = await history().dailyBars("AAPL", 20, new Date("2024-03-15T21:00:00Z"));
    expect(bars).toHaveLength(20);
    expect(bars.map((b) => b.time.getTime())).toEqual([...bars.map((b) => b.time.getTime())].sort((a, b) => a - b));
    const last = bars.at(-1)!;
    expect(last.time).toEqual(dailyBarTime("2024-03-15", ZONE));
    expect(last.time.toISOString()).toBe("2024-03-15T20:00:00.000Z");
    expect(bars[0]!.time).toEqual(dailyBarTime("2024-02-19", ZONE));
    // 2024-03-15 is the 54th weekday of the series (index 53).
    expect(last.open.toString()).toBe("153.1");
    expect(last.high.toString()).toBe("154.25");
    expect(last.low.toString()).toBe("152.0001");
    expect(last.close.toString()).toBe("153.3333");
    expect(last.adjClose!.toString()).toBe("153.3333");
    expect(last.volume).toBe(1_000_053n);
    expect(last.source).toBe("alpaca:iex:daily");
    expect(bars.every((b) => b.ticker === "AAPL")).toBe(true);

    const requests = fake.bars.requests;
    expect(requests.length).toBeGreaterThan(2);
    expect(requests[0]!.query.page_token).toBeUndefined();
    expect(requests.slice(1).every((r) => typeof r.query.page_token === "string")).toBe(true);
    for (const r of requests) {
      expect(r.keyId).toBe(KEY_ID);
      expect(r.query).toMatchObject({ symbols: "AAPL", timeframe: "1Day", adjustment: "split", feed: "iex", end: "2024-03-15T21:00:00.000Z" });
    }
    // A calendar window with margin: 20 * 1.6 + 10 = 42 days.
    expect(requests[0]!.query.start).toBe("2024-02-02T21:00:00.000Z");
  });

  it("leaves out a session that has not closed by `until`", async () => {
    const bars = await history().dailyBars("AAPL", 3, new Date("2024-03-15T15:00:00Z"));
    expect(bars.map((b) => b.time.toISOString())).toEqual(["2024-03-12T20:00:00.000Z", "2024-03-13T20:00:00.000Z", "2024-03-14T20:00:00.000Z"]);
  });

  it("returns fewer bars when Alpaca has fewer", async () => {
    const bars = await history().dailyBars("MSFT", 250, new Date("2024-03-29T21:00:00Z"));
    expect(bars).toHaveLength(1);
    expect(bars[0]!.close.toString()).toBe("1");
  });

  it("asks the delayed feed's history from SIP, ending at least 15 minutes before now", async () => {
    const now = new Date("2024-03-15T20:05:00Z");
    await history({ feed: "delayed_sip", now: () => now }).dailyBars("AAPL", 5, now);
    const query = fake.bars.requests[0]!.query;
    expect(query.feed).toBe("sip");
    expect(new Date(query.end!).getTime()).toBeLessThanOrEqual(now.getTime() - 15 * 60_000);
  });

  it("names the variables to check when Alpaca refuses the keys (401), without the secret", async () => {
    const error = await failure(history({ secretKey: "not-the-secret" }).dailyBars("AAPL", 5, new Date("2024-03-15T21:00:00Z")));
    expect(error.status).toBe(401);
    expect(error.message).toContain("ALPACA_KEY_ID/ALPACA_SECRET_KEY");
    expect(error.message).not.toContain("not-the-secret");
  });

  it("says so when rate limited (429) or when Alpaca fails (5xx); both may be retried", async () => {
    fake.bars.fail({ status: 429 }, { status: 503 });
    const limited = await failure(history().dailyBars("AAPL", 5, new Date("2024-03-15T21:00:00Z")));
    expect(limited.message).toContain("rate limited");
    expect(limited.retryable).toBe(true);
    const failing = await failure(history().dailyBars("AAPL", 5, new Date("2024-03-15T21:00:00Z")));
    expect(failing.message).toContain("HTTP 503");
    expect(failing.retryable).toBe(true);
  });

  it("refuses a malformed body with a clear error and no partial result, even on a later page", async () => {
    fake.bars.fail({ status: 200, body: "<html>gateway</html>" });
    await expect(history().dailyBars("AAPL", 5, new Date("2024-03-15T21:00:00Z"))).rejects.toThrow(/not JSON/);

    const bad = '{"bars":{"AAPL":[{"t":"2024-03-14T04:00:00Z","o":0,"h":1,"l":1,"c":1,"v":5}]},"next_page_token":null}';
    fake.bars.fail({ status: 200, body: bad });
    await expect(history().dailyBars("AAPL", 5, new Date("2024-03-15T21:00:00Z"))).rejects.toThrow(/malformed: bars\.AAPL\[0\]\.o/);

    // The first page is fine, the second breaks: the whole call fails.
    const firstPage = '{"bars":{"AAPL":[{"t":"2024-03-14T04:00:00Z","o":1,"h":1,"l":1,"c":1,"v":5}]},"next_page_token":"cGFnZTI="}';
    fake.bars.fail({ status: 200, body: firstPage }, { status: 200, body: '{"bars":{"AAPL":"oops"}}' });
    await expect(history().dailyBars("AAPL", 5, new Date("2024-03-15T21:00:00Z"))).rejects.toThrow(/malformed/);
  });

  it("gives up after timeoutMs with an error that says so", async () => {
    fake.bars.fail({ status: 0, hang: true });
    const error = await failure(history({ timeoutMs: 150 }).dailyBars("AAPL", 5, new Date("2024-03-15T21:00:00Z")));
    expect(error.message).toContain("timed out after 150 ms");
    expect(error.retryable).toBe(true);
  });
});
