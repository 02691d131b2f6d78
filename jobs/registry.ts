import type { ZodType } from "zod";
import { JOB_NAMES, JOB_TABLE, isJobName, type JobName } from "./names.js";

/**
 * One job: its name, payload schema, processor and schedule. Each BullMQ processor lives in its
 * own file under jobs/, validates its payload with the schema, and calls one use case. Each
 * factory names its own job (`JobDefinition<Payload, "trigger-check">`), so a misspelt name does
 * not compile.
 */
export interface JobDefinition<Payload = unknown, Name extends JobName = JobName> {
  name: Name;
  payload: ZodType<Payload>;
  process(payload: Payload): Promise<unknown>;
  /** How BullMQ schedules it: every N ms, or a cron pattern in a time zone. */
  schedule?: { every: number } | { pattern: string; tz: string };
}

/**
 * The start-up check of the desk's job list: every required job (JOB_TABLE) has exactly one
 * definition, no two definitions share a name, and no name is outside the table (a cast could
 * smuggle one in). A job that nobody processes would pile up silently in Redis; a second
 * processor would race the first. Throws naming the job(s); pure.
 */
export function assertJobRegistry(definitions: readonly { readonly name: string }[]): void {
  const names = definitions.map((d) => d.name);
  const unknown = names.filter((name) => !isJobName(name));
  if (unknown.length > 0) throw new Error(`unknown job(s), not in jobs/names.ts: ${unknown.map((n) => `"${n}"`).join(", ")}`);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`two processors claim the job "${duplicate}"`);
  const missing = requiredJobs().filter((name) => !names.includes(name));
  if (missing.length > 0) throw new Error(`no processor for the required job(s): ${missing.join(", ")}`);
}

/** The jobs the desk cannot start without, in the table's order. */
export function requiredJobs(): JobName[] {
  return JOB_NAMES.filter((name) => JOB_TABLE[name].required);
}
