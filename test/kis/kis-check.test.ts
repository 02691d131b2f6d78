import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { runEntry } from "../support/spawn.js";
import { APPS, startFake } from "./harness.js";

/** `npm run kis:check` against the KIS fake: read-only, names what is wrong, never prints a secret. */
const { url: redisUrl } = useTestRedis();
let fake: KisFake;

beforeAll(async () => {
  fake = await startFake();
  fake.setQuote("NYS", "NKE", { last: "63.03 ", base: "62.50", tvol: "1000" });
  fake.setHoldings("paper", "NYSE", [{ ticker: "NKE", quantity: 3 }]);
});
afterAll(async () => {
  await fake.close();
});

const env = () => ({ KIS_ENV: "paper", KIS_APP_KEY: "PAPERKEY0001", KIS_APP_SECRET: APPS.PAPERKEY0001.secret, KIS_ACCOUNT_NO: "50012345", KIS_BASE_URL: fake.url, REDIS_URL: redisUrl, LOG_LEVEL: "warn" });

describe("npm run kis:check", () => {
  it("with good keys: a token, a quote and the balance, and no secret in the output", async () => {
    const result = await runEntry("src/main/kis-check.ts", [], env());
    expect(result.output).toContain("✓ keys present for paper; account 5001****-01");
    expect(result.output).toContain("✓ token and quote NKE: last 63.03");
    expect(result.output).toContain("✓ balance (NASD, NYSE, AMEX): NKE 3");
    expect(result.output).toContain("KIS looks ready.");
    expect(result.code).toBe(0);
    expect(result.output).not.toContain(APPS.PAPERKEY0001.secret);
    expect(fake.requests.filter((r) => r.method === "POST" && r.path.includes("/trading/"))).toEqual([]); // read-only
  });

  it("names what is missing, and a key from the other environment fails with KIS's reason", async () => {
    const missing = await runEntry("src/main/kis-check.ts", [], { ...env(), KIS_APP_SECRET: "" });
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("KIS_APP_SECRET: required when any KIS credential is set");
    const wrong = await runEntry("src/main/kis-check.ts", [], { ...env(), KIS_ENV: "real" });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/✗ token and quote NKE: KIS/);
  });
});
