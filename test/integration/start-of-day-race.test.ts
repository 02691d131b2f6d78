import { describe, expect, it } from "vitest";
import { SnapshotRepository } from "../../src/adapters/db/repositories/snapshot-repository.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

describe("the first look at a trading day", () => {
  it("gives every concurrent caller the one start-of-day equity, for day after day of races", async () => {
    const accountId = await createAccount(db.dataSource, { cash: "100000" });
    const snapshots = new SnapshotRepository(db.dataSource);
    // Each day is a fresh race: twelve looks at once, as concurrent trigger checks and resumes do.
    for (let day = 1; day <= 20; day += 1) {
      const tradingDay = `2026-10-${String(day).padStart(2, "0")}`;
      const now = new Date(`${tradingDay}T15:00:00Z`);
      const looks = await Promise.all(Array.from({ length: 12 }, () => snapshots.load({ accountId, tradingDay, marketOpen: true, now, fixStartOfDay: true })));
      expect(new Set(looks.map((l) => l?.snapshot.startOfDayEquity?.toFixed(2)))).toEqual(new Set(["100000.00"]));
    }
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM equity_snapshots WHERE account_id = $1 AND kind = 'start_of_day'`, [accountId]);
    expect(n).toBe(20);
  });

  it("is the kill switch's to fix: a read (/status, the War Room, the briefing) writes nothing and sees none until a check fixes it", async () => {
    const accountId = await createAccount(db.dataSource, { cash: "50000" });
    const snapshots = new SnapshotRepository(db.dataSource);
    const request = { accountId, tradingDay: "2026-11-02", marketOpen: true, now: new Date("2026-11-02T15:00:00Z") };
    const count = async () => (await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM equity_snapshots WHERE account_id = $1`, [accountId]))[0]!.n;

    const read = await snapshots.load(request);
    expect(read!.snapshot.equity.toFixed(2)).toBe("50000.00");
    expect(read!.snapshot.startOfDayEquity).toBeNull();
    expect(await count()).toBe(0);

    const checked = await snapshots.load({ ...request, fixStartOfDay: true });
    expect(checked!.snapshot.startOfDayEquity!.toFixed(2)).toBe("50000.00");
    expect(await count()).toBe(1);
    expect((await snapshots.load(request))!.snapshot.startOfDayEquity!.toFixed(2)).toBe("50000.00");
  });
});
