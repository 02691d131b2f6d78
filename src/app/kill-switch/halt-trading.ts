import { cleanText } from "../../domain/text.js";
import type { Trigger } from "../../domain/vocabulary.js";
import type { KillSwitchDeps } from "./deps.js";

export interface HaltRequest {
  /** One account, or every account when omitted (`/halt` with no account). */
  accountId?: string;
  reason: string;
  actor: string;
  trigger?: Trigger;
  details?: Record<string, unknown>;
}

export interface HaltResult {
  accountId: string;
  accountName: string;
  /** false when the account was already halted (the reason is still recorded). */
  changed: boolean;
}

/** Longest reason kept, in characters (grapheme clusters: an emoji is never split). */
export const HALT_REASON_MAX_CHARS = 500;

/**
 * Halts trading. Stopping is always allowed, for any operator: no code, no confirmation. Each
 * account's halt commits on its own (one failing account does not keep the others trading), and
 * only then are the admins told: an alert never stands between a halt and its commit. A halt
 * that changed nothing (the account was already halted) alerts nobody, so a burst of /halt
 * cannot flood the admins' chats; its reason is still recorded as an event.
 */
export async function haltTrading(deps: KillSwitchDeps, request: HaltRequest): Promise<HaltResult[]> {
  // Text from outside: PostgreSQL refuses NUL, and a cut must not split a character.
  const reason = cleanText(request.reason, { maxChars: HALT_REASON_MAX_CHARS }) || "manual halt";
  const actor = cleanText(request.actor, { maxChars: 64 }) || "unknown";
  const trigger = request.trigger ?? "manual";
  const ids = request.accountId ? [request.accountId] : await deps.store.accountIds();
  const results: HaltResult[] = [];
  let failure: Error | undefined;
  for (const accountId of ids) {
    try {
      results.push(
        await deps.store.withLock(accountId, async (locked) => {
          const changed = await locked.halt({ trigger, reason, actor, details: request.details ?? {} });
          return { accountId, accountName: locked.status.accountName, changed };
        }),
      );
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  const at = deps.clock.now();
  for (const result of results.filter((r) => r.changed)) {
    // The Notifier logs its own failures (port contract); a rejected push must not turn a committed halt into an error.
    await deps.notifier
      .notify({ kind: "halted", accountId: result.accountId, accountName: result.accountName, title: `HALTED ${result.accountName}`, lines: [`trigger: ${trigger}`, `reason: ${reason}`, `by: ${actor}`], at })
      .catch(() => undefined);
  }
  if (failure !== undefined) throw failure;
  return results;
}
