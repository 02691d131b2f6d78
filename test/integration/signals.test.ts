import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SignalRepository } from "../../src/adapters/db/repositories/signal-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { pushSignalAlerts } from "../../src/app/signals/push-signal-alerts.js";
import { parseSignalsCsv } from "../../src/domain/signals-csv.js";
import { useTestDatabase } from "../support/database.js";
import { runEntry } from "../support/spawn.js";

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), "signals-"));
const GOOD = "ticker,signal,confidence,source,rationale,price\nNVDA,BUY,0.9,analyst,upgrade to buy,140.5\norcl,sell,0.75,desk,weak guidance,\nYHOO,HOLD,0.4,desk,,\n";

describe("signals", () => {
  it("parse strictly: the first bad value is named with its line and column", () => {
    expect(parseSignalsCsv(GOOD).map((s) => [s.ticker, s.signal, s.confidence.toFixed(2), s.price?.toFixed(2) ?? null])).toEqual([
      ["NVDA", "BUY", "0.90", "140.50"], ["ORCL", "SELL", "0.75", null], ["YHOO", "HOLD", "0.40", null],
    ]);
    expect(() => parseSignalsCsv("ticker,signal,confidence,source\nNVDA,BUY,0.9,a\nNVDA,MAYBE,0.9,a\n")).toThrow('line 3, column signal: expected BUY, SELL or HOLD, got "MAYBE"');
    expect(() => parseSignalsCsv("ticker,signal,confidence,source\nNVDA,BUY,1.5,a\n")).toThrow("line 2, column confidence: expected a number from 0 to 1");
    expect(() => parseSignalsCsv("ticker,signal,source\n")).toThrow('line 1, column confidence: the header lacks "confidence"');
    expect(() => parseSignalsCsv("ticker,signal,confidence,source\n株式,BUY,0.5,a\n")).toThrow("line 2, column ticker");
  });

  it("import through `npm run import:signals`, all or nothing", async () => {
    writeFileSync(join(dir, "good.csv"), GOOD);
    writeFileSync(join(dir, "bad.csv"), "ticker,signal,confidence,source\nNVDA,BUY,0.9,a\nNVDA,BUY,-1,a\n");
    const env = { DATABASE_URL: db.url, LOG_LEVEL: "warn" };
    const bad = await runEntry("src/main/import-signals.ts", [join(dir, "bad.csv")], env);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain("line 3, column confidence");
    expect(bad.output).toContain("nothing was imported");
    const good = await runEntry("src/main/import-signals.ts", [join(dir, "good.csv")], env);
    expect(good.code).toBe(0);
    expect(good.output).toContain("3 signals imported");
    const rows = await db.dataSource.query<{ ticker: string }[]>(`SELECT ticker FROM trading_signals ORDER BY ticker`);
    expect(rows.map((r) => r.ticker)).toEqual(["NVDA", "ORCL", "YHOO"]);
  });

  it("push the confident ones to the traders once, and mark them sent", async () => {
    const notifier = new RecordingNotifier();
    const deps = { signals: new SignalRepository(db.dataSource), notifier, now: () => new Date("2026-11-24T16:00:00Z") };
    expect(await pushSignalAlerts(deps, "0.7")).toEqual({ pushed: 2 });
    expect(notifier.alerts.map((a) => [a.kind, a.title])).toEqual([["signal", "BUY NVDA · confidence 0.90"], ["signal", "SELL ORCL · confidence 0.75"]]);
    expect(await pushSignalAlerts(deps, "0.7")).toEqual({ pushed: 0 });
    expect(notifier.alerts).toHaveLength(2);
  });
});
