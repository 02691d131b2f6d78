import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KisFake } from "../support/kis-fake/server.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { runEntry } from "../support/spawn.js";
import { APPS, startFake } from "./harness.js";

/** `npm run kis:check` against the KIS fake: read-only, names what is wrong, never prints a secret. */
const { url: redisUrl } = useTestRedis();
const db = useTestDatabase();
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
  it("with good keys: a token, a quote, the positions and the USD cash, and no secret in the output; nothing recorded without DATABASE_URL", async () => {
    const result = await runEntry("src/main/kis-check.ts", [], env());
    expect(result.output).toContain("✓ keys present for paper; account 5001****-01");
    expect(result.output).toContain("✓ token and quote NKE: last 63.03");
    expect(result.output).toContain("✓ positions: NKE 3");
    expect(result.output).toContain("✓ USD cash (buying power): $100,000.00");
    expect(result.output).not.toContain("Recorded");
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

  it("with DATABASE_URL: reconciles with the desk and records both as live-prep evidence, a mismatch included", async () => {
    const withDb = { ...env(), DATABASE_URL: db.url };
    const first = await runEntry("src/main/kis-check.ts", [], withDb);
    // No live account yet: the 3 NKE the broker holds are unknown to the desk.
    expect(first.output).toContain("✗ reconciled with the desk: NKE: the broker holds 3 that no desk account knows");
    expect(first.output).toContain("Recorded as live-prep evidence");
    expect(first.code).toBe(0); // KIS itself is ready
    const live = await createAccount(db.dataSource, { name: "live", live: { phase: "micro" } });
    await holdPosition(db.dataSource, live, "NKE", 3, "60");
    const second = await runEntry("src/main/kis-check.ts", [], withDb);
    expect(second.output).toContain("✓ reconciled with the desk: positions match live's book (NKE 3); USD cash $100,000.00 covers micro's $100.00");
    const rows = await db.dataSource.query(`SELECT kind, passed, subject, actor, details->>'cash' AS cash FROM live_prep_evidence ORDER BY id`);
    expect(rows).toEqual([
      { kind: "broker_check", passed: true, subject: "kis:paper", actor: "cli:kis-check", cash: null },
      { kind: "broker_reconciled", passed: false, subject: "kis:paper", actor: "cli:kis-check", cash: "100000" },
      { kind: "broker_check", passed: true, subject: "kis:paper", actor: "cli:kis-check", cash: null },
      { kind: "broker_reconciled", passed: true, subject: "kis:paper", actor: "cli:kis-check", cash: "100000" },
    ]);
  });
});
