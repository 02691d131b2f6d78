import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JOB_NAMES, JOB_TABLE, isJobName, type JobName } from "../../jobs/names.js";
import { assertJobRegistry, requiredJobs, type JobDefinition } from "../../jobs/registry.js";

const definition = (name: JobName): JobDefinition => ({ name, payload: z.object({}), process: () => Promise.resolve() });
const without = (...left: JobName[]): JobDefinition[] => requiredJobs().filter((n) => !left.includes(n)).map(definition);

describe("the job registry", () => {
  it("starts with one definition per required job, with or without the optional ones", () => {
    expect(() => assertJobRegistry(without())).not.toThrow();
    expect(() => assertJobRegistry(JOB_NAMES.map(definition))).not.toThrow();
  });

  it("says history-backfill is the only optional job, and the watchdog's safety jobs are required", () => {
    expect(JOB_NAMES.filter((n) => !JOB_TABLE[n].required)).toEqual(["history-backfill"]);
    expect(requiredJobs()).toEqual(expect.arrayContaining(["trigger-check", "stop-loss-scan"]));
    expect(requiredJobs()).toHaveLength(JOB_NAMES.length - 1);
  });

  it("refuses to start when a required job has no definition, naming every missing one", () => {
    expect(() => assertJobRegistry(without("stop-loss-scan"))).toThrow("no processor for the required job(s): stop-loss-scan");
    expect(() => assertJobRegistry(without("trigger-check", "news-ingest"))).toThrow("no processor for the required job(s): trigger-check, news-ingest");
    expect(() => assertJobRegistry([])).toThrow(/no processor for the required job\(s\): trigger-check, stop-loss-scan, /);
  });

  it("refuses two definitions of one job, required or optional", () => {
    expect(() => assertJobRegistry([...without(), definition("price-poll")])).toThrow('two processors claim the job "price-poll"');
    expect(() => assertJobRegistry([...without(), definition("history-backfill"), definition("history-backfill")])).toThrow('two processors claim the job "history-backfill"');
  });

  it("refuses a name outside the table, however it got past the type", () => {
    const smuggled = { ...definition("price-poll"), name: "price-pol" as JobName };
    expect(() => assertJobRegistry([...without(), smuggled])).toThrow('unknown job(s), not in jobs/names.ts: "price-pol"');
    // An inherited property is not a job either.
    expect(isJobName("toString")).toBe(false);
    expect(isJobName("trigger-check")).toBe(true);
  });
});
