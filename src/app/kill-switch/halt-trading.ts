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

/**
 * Halts trading. Stopping is always allowed, for any operator: no code, no confirmation. Each
 * account's halt commits on its own (one failing account does not keep the others trading),
 * then every admin is told.
 */
export async function haltTrading(deps: KillSwitchDeps, request: HaltRequest): Promise<HaltResult[]> {
  const reason = request.reason.trim() || "manual halt";
  const ids = request.accountId ? [request.accountId] : await deps.store.accountIds();
  const results: HaltResult[] = [];
  for (const accountId of ids) {
    const result = await deps.store.withLock(accountId, async (locked) => {
      const changed = await locked.halt({ trigger: request.trigger ?? "manual", reason, actor: request.actor, details: request.details ?? {} });
      return { accountId, accountName: locked.status.accountName, changed };
    });
    results.push(result);
    await deps.notifier.notify({
      kind: "halted",
      accountId,
      accountName: result.accountName,
      title: result.changed ? `HALTED ${result.accountName}` : `${result.accountName} was already halted`,
      lines: [`trigger: ${request.trigger ?? "manual"}`, `reason: ${reason}`, `by: ${request.actor}`],
      at: deps.clock.now(),
    });
  }
  return results;
}
