import type { ZodType } from "zod";

/**
 * The typed map of job name -> payload schema and processor. Each BullMQ processor lives in its
 * own file under jobs/, validates its payload with the schema, and calls one use case.
 * `assertEveryJobHasAProcessor` runs at start-up so that a scheduled job without a processor
 * stops the worker instead of piling up silently in Redis.
 */
export interface JobDefinition<Payload> {
  name: string;
  payload: ZodType<Payload>;
  process(payload: Payload): Promise<unknown>;
}

export function assertEveryJobHasAProcessor(scheduled: readonly string[], definitions: readonly JobDefinition<unknown>[]): void {
  const known = new Set(definitions.map((d) => d.name));
  const missing = scheduled.filter((name) => !known.has(name));
  if (missing.length > 0) throw new Error(`no processor for scheduled job(s): ${missing.join(", ")}`);
}
