import { describe, expect, it } from "vitest";
import { parseFrame, parseRfc3339 } from "../../src/adapters/market-data/alpaca/messages.js";
import { backoffDelay, describeStreamError } from "../../src/adapters/market-data/alpaca/stream-errors.js";

describe("Alpaca stream messages", () => {
  it("reads RFC-3339 times with nanoseconds or offsets to the millisecond, and refuses impossible ones", () => {
    expect(parseRfc3339("2021-02-22T15:51:45.335689322Z")?.toISOString()).toBe("2021-02-22T15:51:45.335Z");
    expect(parseRfc3339("2021-02-22T15:51:44.2Z")?.toISOString()).toBe("2021-02-22T15:51:44.200Z");
    expect(parseRfc3339("2021-02-22T15:51:44Z")?.toISOString()).toBe("2021-02-22T15:51:44.000Z");
    expect(parseRfc3339("2021-02-22T10:51:44.999999999-05:00")?.toISOString()).toBe("2021-02-22T15:51:44.999Z");
    expect(parseRfc3339("2024-02-29T00:00:00Z")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    for (const bad of ["2023-02-29T00:00:00Z", "2021-02-22T24:00:00Z", "2021-13-01T00:00:00Z", "2021-02-22T15:51:44", "2021-02-22T15:51:44.1234567890Z", "yesterday", "1969-12-31T23:59:59Z"]) {
      expect(parseRfc3339(bad), bad).toBeUndefined();
    }
  });

  it("reads control messages and keeps good trades next to bad ones in the same frame", () => {
    expect(parseFrame('[{"T":"success","msg":"connected"}]')).toEqual({ events: [{ kind: "connected" }], malformed: 0 });
    expect(parseFrame('[{"T":"error","code":405,"msg":"symbol limit exceeded"}]').events).toEqual([{ kind: "error", code: 405, message: "symbol limit exceeded" }]);
    const frame = parseFrame('[{"T":"t","S":"BRK.B","p":412.1,"t":"2024-03-01T15:30:00Z"},{"T":"t","S":"AAPL","p":1e400,"s":1,"t":"2024-03-01T15:30:00Z"},{"T":"q","S":"AAPL"}]');
    expect(frame.malformed).toBe(1);
    expect(frame.events[0]).toMatchObject({ kind: "trade", ticker: "BRK.B", size: 0n });
    expect(frame.events[1]).toEqual({ kind: "ignored", type: "q" });
  });

  it("names what to fix for operator problems and retries them more slowly", () => {
    expect(describeStreamError(402, "auth failed", "iex")).toMatchObject({ retry: "operator", reason: expect.stringContaining("ALPACA_KEY_ID/ALPACA_SECRET_KEY") as string });
    expect(describeStreamError(409, "insufficient subscription", "sip").reason).toContain("ALPACA_FEED=iex");
    expect(describeStreamError(500, "internal error", "iex").retry).toBe("normal");
    expect(backoffDelay(3, 100, 10_000, "normal")).toBeLessThanOrEqual(800);
    expect(backoffDelay(3, 100, 10_000, "normal")).toBeGreaterThanOrEqual(640);
    expect(backoffDelay(30, 100, 10_000, "normal")).toBeLessThanOrEqual(10_000);
    expect(backoffDelay(0, 100, 10_000, "operator")).toBeGreaterThanOrEqual(800);
  });
});
