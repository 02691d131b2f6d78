import { describe, expect, it } from "vitest";
import { splitPlain } from "../../src/adapters/telegram/fit-messages.js";
import { NoticeSpacer, UserRateLimiter } from "../../src/adapters/telegram/middlewares/rate-limit.js";
import { words } from "../../src/adapters/telegram/parse.js";

describe("UserRateLimiter (token bucket per user, injected clock)", () => {
  it("allows perMinute updates, warns once, then limits; refills continuously", () => {
    let now = 0;
    const limiter = new UserRateLimiter({ perMinute: 3, now: () => now });
    expect([1, 2, 3, 4, 5].map(() => limiter.take(7))).toEqual(["allowed", "allowed", "allowed", "warn", "limited"]);
    expect(limiter.take(8)).toBe("allowed"); // another user's bucket
    now += 20_000; // a third of a minute: one token back
    expect([limiter.take(7), limiter.take(7)]).toEqual(["allowed", "limited"]);
    now += 60_000; // a full bucket again, and the next warning is due
    expect([1, 2, 3, 4].map(() => limiter.take(7))).toEqual(["allowed", "allowed", "allowed", "warn"]);
  });

  it("forgets the least recently seen users beyond maxUsers (memory stays bounded under a flood of ids)", () => {
    const limiter = new UserRateLimiter({ perMinute: 1, now: () => 0, maxUsers: 2 });
    expect([limiter.take(1), limiter.take(2), limiter.take(3)]).toEqual(["allowed", "allowed", "allowed"]);
    expect(limiter.take(1)).toBe("allowed"); // forgotten: a fresh bucket
    expect(limiter.take(3)).toBe("warn");
  });
});

describe("NoticeSpacer", () => {
  it("is due once per interval per user", () => {
    let now = 0;
    const spacer = new NoticeSpacer(1000, () => now);
    expect([spacer.due(1), spacer.due(1), spacer.due(2)]).toEqual([true, false, true]);
    now = 999;
    expect(spacer.due(1)).toBe(false);
    now = 1000;
    expect(spacer.due(1)).toBe(true);
  });
});

describe("splitPlain", () => {
  it("keeps every part within the limit, never splits a character, and loses nothing", () => {
    const text = "😀".repeat(3000); // 6,000 units
    const parts = splitPlain(text, 4096);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join("")).toBe(text);
    expect(parts[0]!.length % 2).toBe(0);
  });

  it("prefers a line break in the second half of a part", () => {
    const text = `${"a".repeat(3000)}\n${"b".repeat(3000)}`;
    expect(splitPlain(text, 4096)).toEqual(["a".repeat(3000), "b".repeat(3000)]);
  });
});

describe("words (command arguments)", () => {
  it("removes NUL and controls and cuts each argument at 64 characters on a character boundary", () => {
    const [ticker, quantity] = words(` N\u0000KE\u0007 ${"👍🏽".repeat(100)}`);
    expect(ticker).toBe("NKE");
    expect(quantity).toBe(`${"👍🏽".repeat(63)}…`);
  });
});
