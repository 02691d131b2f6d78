import { DateTime } from "luxon";
import { requiresApproval, type ApprovalPolicy } from "./approvals.js";
import type { Dec } from "./decimal.js";
import { formatMoney } from "./format.js";
import { NYSE_TIME_ZONE } from "./market-calendar.js";

/**
 * The live-prep checklist (DESIGN.md section 10, issue 14): what must be on record before an
 * account leaves live-prep for real money. Pure: the evidence is gathered by the caller, each
 * item says what it saw (for people) and, when it fails, what to do about it.
 */

export const CHECKLIST_ITEMS = ["kill_switch_tested", "approvals_on", "alerts_delivered", "broker_check", "broker_reconciled"] as const;
export type ChecklistItemId = (typeof CHECKLIST_ITEMS)[number];

export interface ChecklistItem {
  item: ChecklistItemId;
  label: string;
  passed: boolean;
  /** What the record shows, for people: "halted 2026-11-24 09:02 ET by tg:101 on shadow, resumed 09:05 ET by tg:101". */
  evidence: string;
  /** What to do while it fails ("send /phase alerts"); null once it passes. */
  missing: string | null;
}

export interface Checklist {
  items: ChecklistItem[];
  /** Every item passed. */
  passed: boolean;
  /** The broker's USD cash on the latest passing reconciliation (what a new live account starts with); null without one. */
  brokerCash: Dec | null;
}

/** A halt or resume on any account's kill switch. */
export interface KillSwitchTest {
  event: "halted" | "resumed";
  accountName: string;
  actor: string;
  at: Date;
}

export type EvidenceKind = "broker_check" | "broker_reconciled" | "alert_delivery";

/** A row of live_prep_evidence. */
export interface LivePrepEvidence {
  kind: EvidenceKind;
  passed: boolean;
  /** alert_delivery: the admin ("tg:101"); broker checks: the broker environment ("kis:real"). */
  subject: string;
  summary: string;
  actor: string;
  at: Date;
  /** broker_reconciled: the broker's USD cash it read; null otherwise or when unreadable. */
  cash: Dec | null;
}

export interface ChecklistInput {
  /** When the account's live-prep phase began: halts, resumes and alert deliveries count from here. */
  since: Date;
  now: Date;
  /** Halts and resumes at or after `since`, any order. */
  killSwitchEvents: readonly KillSwitchTest[];
  policy: ApprovalPolicy;
  /** Every admin, as "tg:<id>". */
  admins: readonly string[];
  /** live_prep_evidence rows, any order; older ones than a check's window are ignored. */
  evidence: readonly LivePrepEvidence[];
}

/** A broker check (and its reconciliation) counts for this long. */
export const BROKER_CHECK_MAX_AGE_MS = 24 * 60 * 60_000;

export function evaluateChecklist(input: ChecklistInput): Checklist {
  const reconciled = brokerReconciled(input);
  const items = [killSwitchTested(input), approvalsOn(input.policy), alertsDelivered(input), brokerCheck(input), reconciled.item];
  return { items, passed: items.every((i) => i.passed), brokerCash: reconciled.cash };
}

/** The failing items' "what to do", one line each: the reason a promotion is refused. */
export function missingItems(checklist: Checklist): string[] {
  return checklist.items.filter((i) => !i.passed).map((i) => `${i.label}: ${i.missing ?? "not on record"}`);
}

/** New York time, the time operators read: the date only when it differs from `after`'s. */
function stamp(at: Date, after?: Date): string {
  const t = DateTime.fromJSDate(at, { zone: NYSE_TIME_ZONE });
  const sameDay = after && DateTime.fromJSDate(after, { zone: NYSE_TIME_ZONE }).hasSame(t, "day");
  return `${t.toFormat(sameDay ? "HH:mm" : "yyyy-LL-dd HH:mm")} ET`;
}

const byTime = <T extends { at: Date }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => a.at.getTime() - b.at.getTime());

/** (1) A halt and, after it, a resume: the kill switch was seen to stop and restart trading. */
function killSwitchTested(input: ChecklistInput): ChecklistItem {
  const base = { item: "kill_switch_tested" as const, label: "Kill switch tested" };
  const events = byTime(input.killSwitchEvents.filter((e) => e.at.getTime() >= input.since.getTime()));
  // The latest resume that follows a halt, paired with the latest halt before it.
  for (let r = events.length - 1; r >= 0; r--) {
    const resume = events[r]!;
    if (resume.event !== "resumed") continue;
    const halt = events.slice(0, r).reverse().find((e) => e.event === "halted");
    if (!halt) continue;
    const where = halt.accountName === resume.accountName ? ` on ${halt.accountName}` : ` (${halt.accountName}, then ${resume.accountName})`;
    return { ...base, passed: true, evidence: `halted ${stamp(halt.at)} by ${halt.actor}, resumed ${stamp(resume.at, halt.at)} by ${resume.actor}${where}`, missing: null };
  }
  const halt = events.filter((e) => e.event === "halted").at(-1);
  if (halt) {
    return { ...base, passed: false, evidence: `halted ${stamp(halt.at)} by ${halt.actor} on ${halt.accountName}, no resume since`, missing: "resume it with /resume (override code)" };
  }
  return { ...base, passed: false, evidence: `no halt since live-prep began (${stamp(input.since)})`, missing: "halt an account with /halt, then resume it with /resume" };
}

/** (2) Live orders wait for a trader's press: read from the approval policy, never assumed. */
function approvalsOn(policy: ApprovalPolicy): ChecklistItem {
  const liveAsks = (["operator", "warroom"] as const).every((source) => requiresApproval("live", source, policy));
  const fourEyes = `FOUR_EYES=${policy.fourEyes ? "on" : "off"}`;
  return {
    item: "approvals_on",
    label: "Approvals on",
    passed: liveAsks,
    evidence: liveAsks ? `live orders always wait for a trader; ${fourEyes}` : `live orders do NOT wait for a trader; ${fourEyes}`,
    missing: liveAsks ? null : "live orders must wait for a trader's approval: this build does not ask",
  };
}

/** (3) A test alert reached every admin since live-prep began. */
function alertsDelivered(input: ChecklistInput): ChecklistItem {
  const base = { item: "alerts_delivered" as const, label: "Alerts delivered to every admin" };
  if (input.admins.length === 0) return { ...base, passed: false, evidence: "no admin is configured", missing: "name the admins in ADMIN_IDS" };
  const deliveries = byTime(input.evidence.filter((e) => e.kind === "alert_delivery" && e.at.getTime() >= input.since.getTime()));
  const reached: string[] = [];
  const notReached: string[] = [];
  for (const admin of input.admins) {
    const delivered = deliveries.filter((d) => d.subject === admin && d.passed).at(-1);
    if (delivered) {
      reached.push(`${admin} ${stamp(delivered.at)}`);
      continue;
    }
    const failed = deliveries.filter((d) => d.subject === admin).at(-1);
    notReached.push(failed ? `${admin} (failed: ${failed.summary})` : admin);
  }
  const evidence = [reached.length ? `delivered to ${reached.join(", ")}` : "", notReached.length ? `not delivered to ${notReached.join(", ")}` : ""].filter(Boolean).join("; ");
  return { ...base, passed: notReached.length === 0, evidence, missing: notReached.length ? "send /phase alerts (each admin must have started a chat with the bot)" : null };
}

/** The newest row of a kind within the broker-check window. */
function latestFresh(input: ChecklistInput, kind: EvidenceKind): { row: LivePrepEvidence | undefined; stale: LivePrepEvidence | undefined } {
  const rows = byTime(input.evidence.filter((e) => e.kind === kind));
  const fresh = rows.filter((e) => input.now.getTime() - e.at.getTime() <= BROKER_CHECK_MAX_AGE_MS && e.at.getTime() <= input.now.getTime());
  return { row: fresh.at(-1), stale: fresh.length === 0 ? rows.at(-1) : undefined };
}

const RUN_CHECK = "run /phase check (or npm run kis:check with DATABASE_URL set)";

/** (4) The read-only broker check (token, quote, balance) passed within 24 h. */
function brokerCheck(input: ChecklistInput): ChecklistItem {
  const base = { item: "broker_check" as const, label: "Broker check within 24 h" };
  const { row, stale } = latestFresh(input, "broker_check");
  if (row?.passed) return { ...base, passed: true, evidence: `passed ${stamp(row.at)} by ${row.actor} (${row.subject}): ${row.summary}`, missing: null };
  if (row) return { ...base, passed: false, evidence: `failed ${stamp(row.at)} (${row.subject}): ${row.summary}`, missing: `fix it, then ${RUN_CHECK}` };
  return { ...base, passed: false, evidence: stale ? `last check ${stamp(stale.at)}, more than 24 h ago` : "no broker check on record", missing: RUN_CHECK };
}

/** (5) The broker's positions match the desk's book and its USD cash covers micro's capital, within 24 h. */
function brokerReconciled(input: ChecklistInput): { item: ChecklistItem; cash: Dec | null } {
  const base = { item: "broker_reconciled" as const, label: "Broker cash and positions reconciled" };
  const { row, stale } = latestFresh(input, "broker_reconciled");
  if (row?.passed) return { item: { ...base, passed: true, evidence: `${stamp(row.at)}: ${row.summary}`, missing: null }, cash: row.cash };
  if (row) return { item: { ...base, passed: false, evidence: `${stamp(row.at)}: ${row.summary}`, missing: `settle the difference at the broker or in the book, then ${RUN_CHECK}` }, cash: null };
  return { item: { ...base, passed: false, evidence: stale ? `last reconciled ${stamp(stale.at)}, more than 24 h ago` : "not reconciled yet", missing: RUN_CHECK }, cash: null };
}

export interface HeldShares {
  ticker: string;
  quantity: number;
}

export interface ReconcileInput {
  /** What the broker holds. */
  broker: readonly HeldShares[];
  /** The live account's book; null when there is no live account yet (then the desk knows no position there). */
  book: { accountName: string; positions: readonly HeldShares[] } | null;
  /** The broker's USD cash; null when it could not be read. */
  cash: Dec | null;
  /** The capital of the phase the live account enters (micro: $100). */
  requiredCash: Dec;
  requiredFor: string;
}

export interface Reconciliation {
  passed: boolean;
  /** One line for people: what matched, or every difference. */
  summary: string;
  mismatches: string[];
}

/**
 * The broker against the desk: every position the broker holds must be in the live account's
 * book with the same shares (no live account yet: the broker must hold nothing the desk does
 * not know), and the broker's USD cash must cover the next phase's capital.
 */
export function reconcileBroker(input: ReconcileInput): Reconciliation {
  const mismatches: string[] = [];
  const book = new Map((input.book?.positions ?? []).filter((p) => p.quantity !== 0).map((p) => [p.ticker, p.quantity]));
  const held = new Map(input.broker.filter((p) => p.quantity !== 0).map((p) => [p.ticker, p.quantity]));
  for (const ticker of [...new Set([...held.keys(), ...book.keys()])].sort()) {
    const atBroker = held.get(ticker) ?? 0;
    const inBook = book.get(ticker) ?? 0;
    if (atBroker === inBook) continue;
    mismatches.push(input.book ? `${ticker}: broker ${atBroker}, ${input.book.accountName}'s book ${inBook}` : `${ticker}: the broker holds ${atBroker} that no desk account knows`);
  }
  if (input.cash === null) mismatches.push("the broker's USD cash could not be read");
  else if (input.cash.lt(input.requiredCash)) mismatches.push(`USD cash $${formatMoney(input.cash)} does not cover ${input.requiredFor}'s $${formatMoney(input.requiredCash)}`);
  if (mismatches.length > 0) return { passed: false, summary: mismatches.join("; "), mismatches };
  const positions = held.size === 0 ? "no position at the broker" : `positions match ${input.book!.accountName}'s book (${[...held].map(([t, q]) => `${t} ${q}`).join(", ")})`;
  const bookNote = input.book ? "" : " (no live account yet)";
  return { passed: true, summary: `${positions}${bookNote}; USD cash $${formatMoney(input.cash!)} covers ${input.requiredFor}'s $${formatMoney(input.requiredCash)}`, mismatches };
}
