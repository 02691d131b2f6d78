import { checkTriggers } from "./check-triggers.js";
import type { KillSwitchDeps } from "./deps.js";

/**
 * Every call to a real broker counts for the api_error trigger: a failure adds one and is
 * followed by a trigger check at once (the third failure in a row halts the account), a success
 * resets the count. A simulated broker is never counted.
 */
export async function recordBrokerCall(deps: KillSwitchDeps, accountId: string, ok: boolean): Promise<number> {
  const count = await deps.store.recordBrokerCall(accountId, ok);
  if (!ok) await checkTriggers(deps, accountId, "api");
  return count;
}
