import { UnrecoverableError } from "bullmq";
import { GrammyError } from "grammy";
import { ZodError } from "zod";

/**
 * Whether retrying a failed job can help. Retrying is for the world being briefly unavailable
 * (a network error, a timeout, Telegram's 429 or 5xx, PostgreSQL restarting or a serialisation
 * conflict); a bug or a refusal (a TypeError, invalid data, Telegram's 400/403, a constraint
 * PostgreSQL enforces) fails the same way every time, so it fails at once and stays in the
 * failed set for inspection.
 */
export function isTemporaryFailure(error: unknown): boolean {
  if (error instanceof UnrecoverableError) return false;
  if (error instanceof ZodError || error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError || error instanceof ReferenceError) return false;
  if (error instanceof GrammyError) return error.error_code === 429 || error.error_code >= 500;
  const pgCode = (error as { code?: unknown } | null)?.code;
  if (typeof pgCode === "string" && /^[0-9A-Z]{5}$/.test(pgCode)) {
    // SQLSTATE classes: 22 data exception, 23 integrity constraint, 42 syntax or access rule: permanent.
    return !/^(22|23|42)/.test(pgCode);
  }
  return true;
}

/** Rethrows a permanent failure as BullMQ's UnrecoverableError (no retry), a temporary one as it is. */
export function classifyFailure(error: unknown): unknown {
  if (isTemporaryFailure(error)) return error;
  if (error instanceof UnrecoverableError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new UnrecoverableError(`permanent failure, not retried: ${message}`);
}
