import { TRIGGERS, type Trigger } from "../vocabulary.js";
import { BacktestInputError, requireDate } from "./bar.js";

/**
 * What a backtest does after the kill switch halts the book, and which trading days count
 * towards the promotion gate.
 *
 * - `stay`: halted until the end of the run, as an unattended desk would be. Honest about the
 *   first halt, but a 16-year run then trades for ten months.
 * - `resume-next-session`: the operator acknowledges and resumes before the next trading day's
 *   open. As live (src/domain/kill-switch), the acknowledged trigger is then quiet for the rest of
 *   that trading day and armed again from the next one; a different trigger halts at once.
 *
 * A day counts as allowed when trading was allowed at its open. The halt day itself counts (the
 * book traded until the halt), a day spent halted does not. Days are the bars' trading days, so
 * the gate is counted in trading days, never calendar days.
 */

export const HALT_POLICIES = ["stay", "resume-next-session"] as const;
export type HaltPolicy = (typeof HALT_POLICIES)[number];

export interface HaltEvent {
  /** The trading day, YYYY-MM-DD. */
  date: string;
  kind: "halt" | "resume";
  /** The trigger that halted (a resume names the trigger it acknowledged); null when none did. */
  trigger: Trigger | null;
  reason: string;
}

/** What `halt` did: halted the book, or nothing because it was halted already or the trigger was acknowledged today. */
export type HaltOutcome = "halted" | "already-halted" | "suppressed";

export interface SessionOpen {
  /** Whether the book may trade today. */
  allowed: boolean;
  /** The resume event recorded at this open, if the policy resumed. */
  resumed: HaltEvent | null;
}

export interface HaltSwitch {
  readonly policy: HaltPolicy;
  /** Opens the next trading day; dates must increase. Resumes first when the policy says so. */
  openSession(date: string): SessionOpen;
  /** A trigger fired during the open session `date`. */
  halt(date: string, trigger: Trigger | null, reason: string): HaltOutcome;
  isHalted(): boolean;
  /** Every halt and resume so far, in order. */
  events(): HaltEvent[];
  /** Trading days opened so far. */
  sessions(): number;
  /** Trading days opened so far on which trading was allowed at the open. */
  allowedDays(): number;
}

/** Reads a policy name from the command line, or throws a one-line error listing the choices. */
export function parseHaltPolicy(text: string): HaltPolicy {
  const found = HALT_POLICIES.find((p) => p === text);
  if (found === undefined) throw new BacktestInputError(`halt policy must be one of ${HALT_POLICIES.join(", ")}, got "${text}"`);
  return found;
}

/** The policy as the report header prints it. */
export function describeHaltPolicy(policy: HaltPolicy): string {
  return policy === "stay"
    ? "halts: stay halted until the end of the run"
    : "halts: resume at the next trading day's open after acknowledging the trigger";
}

export function createHaltSwitch(policy: HaltPolicy): HaltSwitch {
  parseHaltPolicy(policy);
  const log: HaltEvent[] = [];
  let today: string | null = null;
  let halt: HaltEvent | null = null;
  /** The trigger acknowledged at today's resume: quiet until the day ends. */
  let acknowledged: { trigger: Trigger | null; date: string } | null = null;
  let sessions = 0;
  let allowed = 0;

  return {
    policy,
    openSession(date) {
      requireDate(date, "session date");
      if (today !== null && date <= today) {
        throw new BacktestInputError(`trading days must increase: ${date} opened after ${today}`);
      }
      today = date;
      sessions += 1;
      let resumed: HaltEvent | null = null;
      if (halt !== null && policy === "resume-next-session") {
        const what = halt.trigger ?? "the halt";
        resumed = { date, kind: "resume", trigger: halt.trigger, reason: `resumed at the ${date} open after acknowledging ${what} (halted ${halt.date})` };
        log.push(resumed);
        acknowledged = { trigger: halt.trigger, date };
        halt = null;
      }
      if (halt === null) allowed += 1;
      return { allowed: halt === null, resumed };
    },
    halt(date, trigger, reason) {
      if (today === null || date !== today) {
        throw new BacktestInputError(`a halt on ${date} must come during that day's session (open: ${today ?? "none"})`);
      }
      if (trigger !== null && !(TRIGGERS as readonly string[]).includes(trigger)) {
        throw new BacktestInputError(`unknown kill-switch trigger "${String(trigger)}"`);
      }
      if (reason.trim() === "") throw new BacktestInputError(`a halt on ${date} needs a reason`);
      if (halt !== null) return "already-halted";
      if (acknowledged !== null && acknowledged.date === date && acknowledged.trigger === trigger) return "suppressed";
      halt = { date, kind: "halt", trigger, reason };
      log.push(halt);
      return "halted";
    },
    isHalted: () => halt !== null,
    events: () => log.map((e) => ({ ...e })),
    sessions: () => sessions,
    allowedDays: () => allowed,
  };
}

/** A trigger that fired on a trading day, as a whole-run input. */
export interface FiredTrigger {
  date: string;
  trigger: Trigger | null;
  reason: string;
}

export interface HaltRun {
  events: HaltEvent[];
  sessions: number;
  allowedDays: number;
  haltedAtEnd: boolean;
}

/**
 * Plays a whole run's trading days and fired triggers through the policy (the triggers of a day
 * in the order given). For reports and tests; a backtest loop drives `createHaltSwitch` itself,
 * since whether a trigger fires depends on what the book did while allowed.
 */
export function runHaltPolicy(policy: HaltPolicy, tradingDays: readonly string[], fired: readonly FiredTrigger[]): HaltRun {
  const days = new Set(tradingDays);
  for (const f of fired) {
    if (!days.has(f.date)) throw new BacktestInputError(`a trigger fired on ${f.date}, which is not one of the run's trading days`);
  }
  const byDay = new Map<string, FiredTrigger[]>();
  for (const f of fired) byDay.set(f.date, [...(byDay.get(f.date) ?? []), f]);
  const sw = createHaltSwitch(policy);
  for (const day of tradingDays) {
    sw.openSession(day);
    for (const f of byDay.get(day) ?? []) sw.halt(day, f.trigger, f.reason);
  }
  return { events: sw.events(), sessions: sw.sessions(), allowedDays: sw.allowedDays(), haltedAtEnd: sw.isHalted() };
}
