import { describe, expect, it } from "vitest";
import { changedConditions, overdueJobs } from "../../src/domain/watchdog.js";

const at = (iso: string) => new Date(iso);
const always = () => true;
const JOBS = [
  { name: "trigger-check", everySeconds: 30, marketHoursOnly: false },
  { name: "stop-loss-scan", everySeconds: 30, marketHoursOnly: true },
];

describe("overdueJobs", () => {
  const now = at("2026-11-24T16:00:00Z");
  const since = at("2026-11-24T15:00:00Z");

  it("tolerates one missed run and flags two, and a job that never ran", () => {
    const lastOk = new Map([["trigger-check", at("2026-11-24T15:59:01Z")]]);
    expect(overdueJobs({ jobs: JOBS, lastOk, now, since, isMarketOpen: always })).toEqual([{ name: "stop-loss-scan", lastOkAt: null, allowedSeconds: 60 }]);
    const late = new Map([["trigger-check", at("2026-11-24T15:58:59Z")], ["stop-loss-scan", now]]);
    expect(overdueJobs({ jobs: JOBS, lastOk: late, now, since, isMarketOpen: always }).map((o) => o.name)).toEqual(["trigger-check"]);
  });

  it("judges a market-hours job only when the market was open for the whole window", () => {
    const openSince = (open: Date) => (t: Date) => t >= open;
    expect(overdueJobs({ jobs: JOBS, lastOk: new Map([["trigger-check", now]]), now, since, isMarketOpen: openSince(at("2026-11-24T15:59:30Z")) })).toEqual([]);
    expect(overdueJobs({ jobs: JOBS, lastOk: new Map([["trigger-check", now]]), now, since, isMarketOpen: openSince(at("2026-11-24T15:58:00Z")) }).map((o) => o.name)).toEqual(["stop-loss-scan"]);
  });

  it("never flags a job before the watchdog has watched for its whole window", () => {
    expect(overdueJobs({ jobs: JOBS, lastOk: new Map(), now, since: at("2026-11-24T15:59:30Z"), isMarketOpen: always })).toEqual([]);
  });
});

describe("changedConditions", () => {
  it("reports starts and recoveries, and nothing for an unknown healthy condition", () => {
    const previous = new Map([["redis", true], ["database", false]]);
    expect(
      changedConditions(previous, [
        { name: "redis", failing: false, detail: "" },
        { name: "database", failing: true, detail: "disk full" },
        { name: "job:trigger-check", failing: false, detail: "" },
      ]),
    ).toEqual([
      { name: "redis", failing: false, detail: "", started: false },
      { name: "database", failing: true, detail: "disk full", started: true },
    ]);
  });
});
