import type { ApprovalPolicy } from "../../domain/approvals.js";
import { BROKER_CHECK_MAX_AGE_MS, evaluateChecklist, type Checklist } from "../../domain/live-prep-checklist.js";
import type { Clock } from "../ports/clock.js";
import type { AccountSummary, DeskReader } from "../ports/desk-reader.js";
import type { LivePrepStore } from "../ports/live-prep-store.js";
import type { AlertDelivery, Notifier } from "../ports/notifier.js";
import type { OperatorDirectory } from "../ports/operator-directory.js";
import type { GateVerdict } from "./change-phase.js";
import type { BrokerProbe } from "./broker-check.js";

/** What the live-prep checklist reads. */
export interface LivePrepDeps {
  store: LivePrepStore;
  reader: Pick<DeskReader, "account" | "positions">;
  operators: Pick<OperatorDirectory, "all">;
  /** The approval policy orders run under: the "approvals on" item is read from it. */
  policy: ApprovalPolicy;
  clock: Clock;
}

/** Going live: the checklist, four-eyes promotions toward real money, and the opening of the live account. */
export interface GoingLiveDeps extends LivePrepDeps {
  settings: {
    /** PROMOTION_FOUR_EYES: a second admin approves every promotion to a phase with real money. */
    fourEyes: boolean;
    /** PROMOTION_EXPIRY_MINUTES. */
    expiryMinutes: number;
    /** LIVE_ACCOUNT_NAME: the name of the live account a promotion out of live-prep opens. */
    liveAccountName: string;
    /** The broker account the KIS keys reach, masked ("5001****-01"); null when KIS is not configured here. */
    brokerAccount: string | null;
  };
  /** The tracking-error gate a live account passes to leave micro (live measured against shadow). */
  trackingGate(accountId: string): Promise<GateVerdict>;
  /** Admins hear of every request, decision and account opened. */
  notifier: Notifier;
  /** `/phase check`: the live broker, read-only; absent where it is not configured. */
  broker?: BrokerProbe;
  /** `/phase alerts`: one push per admin with its outcome; absent without a chat transport. */
  alerts?: AlertDelivery;
}

/** "tg:<id>" of every admin. */
export async function adminIds(deps: Pick<LivePrepDeps, "operators">): Promise<string[]> {
  return (await deps.operators.all()).filter((o) => o.role === "admin").map((o) => `tg:${o.userId}`);
}

/**
 * The checklist of an account in live-prep, on the record as it is now. Halts, resumes and alert
 * deliveries count from when its live-prep phase began; broker checks for 24 hours.
 */
export async function gatherChecklist(deps: LivePrepDeps, accountId: string): Promise<{ account: AccountSummary; checklist: Checklist } | undefined> {
  const account = await deps.reader.account(accountId);
  if (!account) return undefined;
  const now = deps.clock.now();
  const since = account.phaseStartedAt;
  const evidenceFrom = new Date(Math.min(since.getTime(), now.getTime() - BROKER_CHECK_MAX_AGE_MS));
  const [killSwitchEvents, evidence, admins] = await Promise.all([deps.store.killSwitchTestsSince(since), deps.store.evidenceSince(evidenceFrom), adminIds(deps)]);
  return { account, checklist: evaluateChecklist({ since, now, killSwitchEvents, policy: deps.policy, admins, evidence }) };
}

export interface AlertTestResult {
  admin: string;
  delivered: boolean;
  error: string | null;
}

/**
 * `/phase alerts`: a test alert to every admin, one at a time so each outcome is known, each
 * recorded as `alert_delivery` evidence (a refused push is recorded too, with Telegram's reason).
 */
export async function sendTestAlerts(deps: LivePrepDeps & { alerts: AlertDelivery }, request: { actor: string; accountName: string; accountId: string }): Promise<AlertTestResult[]> {
  const admins = (await deps.operators.all()).filter((o) => o.role === "admin");
  const results: AlertTestResult[] = [];
  for (const admin of admins) {
    const at = deps.clock.now();
    const delivery = await deps.alerts.deliver(admin.userId, {
      kind: "test_alert",
      accountId: request.accountId,
      accountName: request.accountName,
      title: "Test alert (live-prep checklist)",
      lines: [`Sent by ${request.actor} to check that alerts reach every admin before real money. Nothing to do.`],
      at,
    });
    const id = `tg:${admin.userId}`;
    const error = delivery.delivered ? null : delivery.error;
    await deps.store.recordEvidence({ kind: "alert_delivery", passed: delivery.delivered, subject: id, summary: error ?? "delivered", details: {}, actor: request.actor, at });
    results.push({ admin: id, delivered: delivery.delivered, error });
  }
  return results;
}
