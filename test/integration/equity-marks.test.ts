import { describe, expect, it } from "vitest";
import { EquityMarkRepository } from "../../src/adapters/db/repositories/equity-mark-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { recordEquityMarks, type EquityMarkDeps } from "../../src/app/accounts/record-equity-marks.js";
import { Dec } from "../../src/domain/decimal.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

function deps(at: string): EquityMarkDeps {
  return { marks: new EquityMarkRepository(db.dataSource), calendar: createMarketCalendar(), clock: { now: () => new Date(at) } };
}

describe("equity marks", () => {
  it("mark every account at cash plus positions at their newest prices; one end-of-day mark per trading day", async () => {
    const account = await createAccount(db.dataSource, { cash: "75000" });
    await holdPosition(db.dataSource, account, "EQM", 250, "90");
    const c = new Dec("100.123456");
    await new PriceRepository(db.dataSource).upsert([{ ticker: "EQM", time: new Date("2026-11-24T15:00:00Z"), open: c, high: c, low: c, close: c, adjClose: null, volume: 1n, source: "t" }], "update");

    // Tuesday 11:00 New York: open.
    expect(await recordEquityMarks(deps("2026-11-24T16:00:00Z"), "intraday")).toEqual({ written: 1, tradingDay: "2026-11-24" });
    // Tuesday 16:05 New York: the close mark, once.
    expect(await recordEquityMarks(deps("2026-11-24T21:05:00Z"), "end_of_day")).toEqual({ written: 1, tradingDay: "2026-11-24" });
    expect(await recordEquityMarks(deps("2026-11-24T21:06:00Z"), "end_of_day")).toEqual({ written: 0, tradingDay: "2026-11-24" });
    const marks = await db.dataSource.query<{ kind: string; equity: string; cash: string; positions_value: string }[]>(
      `SELECT kind, equity::text, cash::text, positions_value::text FROM equity_snapshots WHERE account_id = $1 ORDER BY taken_at`,
      [account],
    );
    // 250 x 100.123456 = 25,030.864 -> 25,030.8640; equity 100,030.8640.
    expect(marks).toEqual([
      { kind: "intraday", equity: "100030.8640", cash: "75000.0000", positions_value: "25030.8640" },
      { kind: "end_of_day", equity: "100030.8640", cash: "75000.0000", positions_value: "25030.8640" },
    ]);
  });

  it("skip closed markets: no intraday mark after hours, no close mark on a weekend or an exchange holiday", async () => {
    expect(await recordEquityMarks(deps("2026-11-24T23:00:00Z"), "intraday")).toEqual({ skipped: "market closed" });
    expect(await recordEquityMarks(deps("2026-11-28T21:05:00Z"), "end_of_day")).toEqual({ skipped: "not a trading day" });
    // Thanksgiving 2026-11-26.
    expect(await recordEquityMarks(deps("2026-11-26T21:05:00Z"), "end_of_day")).toEqual({ skipped: "not a trading day" });
  });
});
