import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { WarRoomRepository } from "../../src/adapters/db/repositories/warroom-repository.js";
import { Dec } from "../../src/domain/decimal.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { dailyBarTime } from "../../src/domain/market-time.js";
import type { PriceBar } from "../../src/domain/prices.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();
const TZ = "America/New_York";
const calendar = createMarketCalendar();

function row(ticker: string, time: Date, close: string, source = "test"): PriceBar {
  const c = new Dec(close);
  return { ticker, time, open: c, high: c, low: c, close: c, adjClose: null, volume: 0n, source };
}

/** An instant from a New York wall-clock time (luxon resolves DST, as the exchange does). */
const ny = (local: string) => DateTime.fromISO(local, { zone: TZ }).toJSDate();

/** What dailyCloses must return, computed the slow way: every row grouped by its New York date, the newest per date. */
function expectedCloses(rows: readonly PriceBar[], days: number): { day: string; close: string }[] {
  const newest = new Map<string, PriceBar>();
  for (const r of rows) {
    const day = DateTime.fromJSDate(r.time, { zone: TZ }).toISODate()!;
    const kept = newest.get(day);
    if (!kept || kept.time < r.time) newest.set(day, r);
  }
  return [...newest].sort(([a], [b]) => (a < b ? -1 : 1)).slice(-days).map(([day, r]) => ({ day, close: r.close.toString() }));
}

async function closes(ticker: string, days: number) {
  const found = await new WarRoomRepository(db.dataSource, TZ).dailyCloses(ticker, days);
  return found.map((c) => ({ day: c.day, close: c.close.toString() }));
}

describe("WarRoomRepository.dailyCloses", () => {
  it("gives one close per day for the newest days however many intraday rows the newest days hold", async () => {
    // 263 trading days up to Friday 13 March 2026 (the DST change of the 8th falls inside).
    const days = ["2026-03-13"];
    while (days.length < 263) days.push(calendar.previousTradingDay(days.at(-1)!));
    days.reverse();
    const rows: PriceBar[] = [];
    // 260 days of daily bars at the 16:00 close...
    days.slice(0, 260).forEach((day, i) => rows.push(row("LIVE", dailyBarTime(day, TZ), String(100 + i))));
    // ...the last of them also with a morning of a feed's minute rows (the daily bar stays its close)...
    for (let m = 0; m < 300; m += 1) rows.push(row("LIVE", new Date(ny(`${days[259]}T09:30`).getTime() + m * 60_000), "50", "alpaca:iex"));
    // ...then three days a live feed wrote alone: 400 minute rows each, 09:30 to 16:09.
    days.slice(260).forEach((day, d) => {
      for (let m = 0; m < 400; m += 1) rows.push(row("LIVE", new Date(ny(`${day}T09:30`).getTime() + m * 60_000), `${60 + d}.${String(m).padStart(3, "0")}`, "alpaca:iex"));
    });
    await new PriceRepository(db.dataSource).upsert(rows, "ignore");

    const found = await closes("LIVE", 250);
    expect(found).toHaveLength(250);
    expect(found).toEqual(expectedCloses(rows, 250));
    expect(found.slice(-4)).toEqual([
      { day: days[259], close: "359" },
      { day: days[260], close: "60.399" },
      { day: days[261], close: "61.399" },
      { day: days[262], close: "62.399" },
    ]);
    expect(found[0]).toEqual({ day: days[13], close: "113" });
  });

  it("puts rows on the right New York day across both DST changes, midnight belonging to the day it starts", async () => {
    const rows = [
      row("DST", dailyBarTime("2025-10-31", TZ), "1"),
      row("DST", ny("2025-11-01T23:59:59"), "2"), // a weekend replay poll, EDT
      row("DST", ny("2025-11-02T00:00:01"), "3"),
      row("DST", new Date("2025-11-02T05:30:00Z"), "4"), // 01:30 EDT
      row("DST", new Date("2025-11-02T06:30:00Z"), "5"), // 01:30 EST, the repeated hour
      row("DST", ny("2025-11-02T23:59"), "6"), // EST: 04:59 UTC on the 3rd
      row("DST", ny("2025-11-03T00:00"), "7"),
      row("DST", dailyBarTime("2025-11-03", TZ), "8"),
      row("DST", ny("2026-03-07T23:30"), "9"), // EST
      row("DST", ny("2026-03-08T00:30"), "10"),
      row("DST", ny("2026-03-08T03:30"), "11"), // EDT: 02:00-03:00 did not exist
      row("DST", ny("2026-03-08T23:59"), "12"), // EDT: 03:59 UTC on the 9th
      row("DST", ny("2026-03-09T00:00"), "13"),
      row("DST", ny("2026-03-09T09:31"), "14"),
    ];
    await new PriceRepository(db.dataSource).upsert(rows, "ignore");
    const all = await closes("DST", 20);
    expect(all).toEqual([
      { day: "2025-10-31", close: "1" },
      { day: "2025-11-01", close: "2" },
      { day: "2025-11-02", close: "6" },
      { day: "2025-11-03", close: "8" },
      { day: "2026-03-07", close: "9" },
      { day: "2026-03-08", close: "12" },
      { day: "2026-03-09", close: "14" },
    ]);
    expect(all).toEqual(expectedCloses(rows, 20));
    expect(await closes("DST", 3)).toEqual(all.slice(-3));
  });

  it("returns what there is when a ticker has fewer days than asked, and nothing for an unknown ticker", async () => {
    const rows = ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"].map((d, i) => row("FEW", dailyBarTime(d, TZ), String(i + 1)));
    await new PriceRepository(db.dataSource).upsert(rows, "ignore");
    expect(await closes("FEW", 250)).toEqual(expectedCloses(rows, 250));
    expect((await closes("FEW", 250)).map((c) => c.close)).toEqual(["1", "2", "3", "4", "5"]);
    expect(await closes("NONE", 250)).toEqual([]);
    expect(await closes("FEW", 0)).toEqual([]);
  });
});
