import type { ZodType } from "zod";

/**
 * The typed map of job name -> payload schema and processor. Each BullMQ processor lives in its
 * own file under jobs/, validates its payload with the schema, and calls one use case.
 */
export interface JobDefinition<Payload = unknown> {
  name: string;
  payload: ZodType<Payload>;
  process(payload: Payload): Promise<unknown>;
  /** How BullMQ schedules it: every N ms, or a cron pattern in a time zone. */
  schedule?: { every: number } | { pattern: string; tz: string };
}

/**
 * Start-up fails when a scheduled job has no processor, or two definitions share a name: a job
 * that nobody processes would pile up silently in Redis.
 */
export function assertEveryJobHasAProcessor(scheduled: readonly string[], definitions: readonly JobDefinition[]): void {
  const names = definitions.map((d) => d.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`two processors claim the job "${duplicate}"`);
  const missing = scheduled.filter((name) => !names.includes(name));
  if (missing.length > 0) throw new Error(`no processor for scheduled job(s): ${missing.join(", ")}`);
}
