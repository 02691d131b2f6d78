import type pg from "pg";
import type { DataSource } from "typeorm";
import type { HaltInput, KillSwitchStatus, KillSwitchStore, LockedKillSwitch } from "../../../app/ports/kill-switch-store.js";
import type { OverrideClaim } from "../../../app/ports/override-code-guard.js";
import type { Dec } from "../../../domain/decimal.js";
import type { Reading } from "../../../domain/kill-switch/triggers.js";
import type { KillSwitchEvent, KillSwitchState, Trigger } from "../../../domain/vocabulary.js";
import type { Logger } from "../../../logger.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";

/** The account has no kill-switch row (or it vanished): nobody may trade on it. */
export class KillSwitchUnavailableError extends Error {
  constructor(accountId: string) {
    super(`the kill-switch state of account ${accountId} cannot be read: treated as halted`);
    this.name = "KillSwitchUnavailableError";
  }
}

// The resume lockout is the desk-wide override-code guard's, not a per-account count.
const STATUS_SQL = `
  SELECT k.account_id, a.name AS account_name, k.state, k.trigger, k.reason, k.actor, k.changed_at,
         k.consecutive_api_errors, COALESCE(g.attempts, 0) AS failed_resume_attempts, g.locked_until AS resume_locked_until,
         k.suppressed_triggers, k.last_readings, k.last_checked_at
  FROM kill_switch_states k JOIN accounts a ON a.id = k.account_id LEFT JOIN override_code_guard g ON g.id = 1
  WHERE k.account_id = $1`;

export class KillSwitchRepository implements KillSwitchStore {
  private readonly pool: pg.Pool;

  /** `log` hears about a halt whose history could not be written (the halt itself still commits). */
  constructor(
    dataSource: DataSource,
    private readonly log?: Pick<Logger, "error">,
  ) {
    this.pool = pgPool(dataSource);
  }

  async accountIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>("SELECT id FROM accounts ORDER BY created_at, id");
    return rows.map((r) => r.id);
  }

  async accountIdsHolding(tickers: readonly string[]): Promise<string[]> {
    if (tickers.length === 0) return [];
    const { rows } = await this.pool.query<{ account_id: string }>(
      "SELECT DISTINCT account_id FROM positions WHERE ticker = ANY($1::text[]) AND quantity > 0 ORDER BY account_id",
      [[...new Set(tickers)]],
    );
    return rows.map((r) => r.account_id);
  }

  async status(accountId: string): Promise<KillSwitchStatus | undefined> {
    const { rows } = await this.pool.query<StatusRow>(STATUS_SQL, [accountId]);
    return rows[0] ? toStatus(rows[0]) : undefined;
  }

  async recordBrokerCall(accountId: string, ok: boolean): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>({
      name: "kill_switch_broker_call",
      // A success on an account with no error to reset writes nothing: the common case costs no row write.
      text: `UPDATE kill_switch_states SET consecutive_api_errors = CASE WHEN $2 THEN 0 ELSE consecutive_api_errors + 1 END
             WHERE account_id = $1 AND (NOT $2 OR consecutive_api_errors <> 0) RETURNING consecutive_api_errors AS n`,
      values: [accountId, ok],
    });
    return rows[0]?.n ?? 0;
  }

  async recordQuietReadings(accountId: string, input: { readings: readonly Reading[]; checkedAt: Date; peakEquity: Dec }): Promise<void> {
    await this.pool.query(
      `UPDATE kill_switch_states SET last_readings = $2, last_checked_at = $3,
         peak_equity = GREATEST(COALESCE(peak_equity, $4::numeric), $4::numeric)
       WHERE account_id = $1`,
      [accountId, JSON.stringify(input.readings), input.checkedAt, input.peakEquity.toFixed()],
    );
  }

  async claimOverrideAttempt(input: { now: Date; maxAttempts: number; lockoutMinutes: number }): Promise<OverrideClaim> {
    // One statement, so concurrent claims queue on the row and each sees the ones before it: the
    // new count is computed from the row being updated (re-read after a concurrent claim commits),
    // never from a snapshot taken before the wait (a CTE's read would let two claims count as one).
    // A lockout that has run out starts a fresh count; the claim that reaches the limit arms the lock.
    const { rows } = await this.pool.query<{ attempts: number; locked_until: Date | null }>(
      `UPDATE override_code_guard g
         SET attempts = (CASE WHEN g.locked_until IS NOT NULL AND g.locked_until <= $1 THEN 0 ELSE g.attempts END) + 1,
             locked_until = CASE WHEN (CASE WHEN g.locked_until IS NOT NULL AND g.locked_until <= $1 THEN 0 ELSE g.attempts END) + 1 >= $2
                              THEN $1::timestamptz + make_interval(mins => $3) ELSE NULL END,
             updated_at = now()
       WHERE g.id = 1 AND (g.locked_until IS NULL OR g.locked_until <= $1)
       RETURNING g.attempts, g.locked_until`,
      [input.now, input.maxAttempts, input.lockoutMinutes],
    );
    if (rows[0]) return { claimed: true, attempt: rows[0].attempts, lockedUntil: rows[0].locked_until };
    const locked = await this.pool.query<{ locked_until: Date | null }>(`SELECT locked_until FROM override_code_guard WHERE id = 1`);
    const until = locked.rows[0]?.locked_until;
    if (!until) throw new Error("the override-code guard row is missing: run the migrations");
    return { claimed: false, lockedUntil: until };
  }

  async settleOverrideAttempt(input: { right: boolean; actor: string; action: string; attempt: number; lockedUntil: Date | null; now: Date }): Promise<void> {
    if (input.right) {
      await this.pool.query(`UPDATE override_code_guard SET attempts = 0, locked_until = NULL, updated_at = now() WHERE id = 1`);
      return;
    }
    await this.pool.query(
      `WITH wrong AS (UPDATE override_code_guard SET last_wrong_at = $1, last_wrong_by = $2, updated_at = now() WHERE id = 1)
       INSERT INTO audit_log (actor, action, details) VALUES ($2, $3, jsonb_build_object('for', $4::text, 'attempt', $5::int, 'lockedUntil', $6::timestamptz))`,
      [input.now, input.actor, input.lockedUntil ? "override_code.locked" : "override_code.wrong", input.action, input.attempt, input.lockedUntil],
    );
  }

  withLock<T>(accountId: string, work: (locked: LockedKillSwitch) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<StatusRow>(`${STATUS_SQL} FOR UPDATE OF k`, [accountId]);
      if (!rows[0]) throw new KillSwitchUnavailableError(accountId);
      return work(new LockedRow(client, toStatus(rows[0]), this.log));
    });
  }
}

class LockedRow implements LockedKillSwitch {
  constructor(
    private readonly client: pg.PoolClient,
    readonly status: KillSwitchStatus,
    private readonly log: Pick<Logger, "error"> | undefined,
  ) {}

  async halt(input: HaltInput): Promise<boolean> {
    const changed = this.status.state !== "HALTED";
    if (changed) {
      await this.client.query(
        `UPDATE kill_switch_states SET state = 'HALTED', trigger = $2, reason = $3, details = $4, actor = $5, changed_at = now(),
           failed_resume_attempts = 0, resume_locked_until = NULL
         WHERE account_id = $1`,
        [this.status.accountId, input.trigger, input.reason, input.details, input.actor],
      );
    }
    // The history (event and audit rows) sits behind a savepoint: nothing in it may undo the
    // committed HALTED row (DESIGN.md section 3: a halt needs PostgreSQL and nothing else).
    await this.client.query("SAVEPOINT halt_history");
    try {
      await this.recordEvent({
        event: changed ? "halted" : "trigger_fired",
        trigger: input.trigger,
        reason: input.reason,
        actor: input.actor,
        details: input.details,
        toState: "HALTED",
      });
      await this.client.query("RELEASE SAVEPOINT halt_history");
    } catch (error) {
      await this.client.query("ROLLBACK TO SAVEPOINT halt_history");
      const detail = { err: error instanceof Error ? error.message : String(error), accountId: this.status.accountId };
      if (this.log) this.log.error(detail, "the halt commits, but its event and audit rows could not be written");
      else process.emitWarning(`halt of ${detail.accountId} commits without its event and audit rows: ${detail.err}`);
    }
    // While halted nothing may add exposure, so nothing may wait for approval either.
    await this.client.query(
      `UPDATE proposals SET status = 'cancelled', decided_by = 'system', decided_at = now(), decision_reason = $2, updated_at = now()
       WHERE account_id = $1 AND status = 'pending'`,
      [this.status.accountId, `trading halted: ${input.reason}`],
    );
    this.status.state = "HALTED";
    return changed;
  }

  async resume(input: { actor: string; suppress: Partial<Record<Trigger, string>>; readings: readonly Reading[] }): Promise<void> {
    await this.client.query(
      `UPDATE kill_switch_states SET state = 'ACTIVE', trigger = NULL, reason = 'resumed', details = $2, actor = $3, changed_at = now(),
         failed_resume_attempts = 0, resume_locked_until = NULL, suppressed_triggers = $4
       WHERE account_id = $1`,
      [this.status.accountId, { readings: input.readings }, input.actor, input.suppress],
    );
    for (const trigger of Object.keys(input.suppress) as Trigger[]) {
      await this.recordEvent({ event: "trigger_acknowledged", trigger, reason: "acknowledged at resume: suppressed until it clears or the next trading day", actor: input.actor });
    }
    await this.recordEvent({ event: "resumed", reason: "resumed by an admin", actor: input.actor, details: { suppressed: input.suppress }, toState: "ACTIVE" });
    this.status.state = "ACTIVE";
  }

  /** Appends to the kill switch's own history and to the desk-wide audit log, in the same transaction. */
  async recordEvent(input: { event: KillSwitchEvent; trigger?: Trigger | null; reason: string; actor: string; details?: Record<string, unknown>; toState?: KillSwitchState }): Promise<void> {
    await this.client.query(
      `WITH event AS (
         INSERT INTO kill_switch_events (account_id, event, from_state, to_state, trigger, reason, details, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
       INSERT INTO audit_log (actor, action, account_id, details) VALUES ($8, 'kill_switch.' || $2, $1, jsonb_build_object('trigger', $5::text, 'reason', $6::text))`,
      [this.status.accountId, input.event, this.status.state, input.toState ?? this.status.state, input.trigger ?? null, input.reason, input.details ?? {}, input.actor],
    );
  }

  async saveReadings(input: { readings: readonly Reading[]; checkedAt: Date; suppressed: Partial<Record<Trigger, string>>; peakEquity: Dec }): Promise<void> {
    await this.client.query(
      `UPDATE kill_switch_states SET last_readings = $2, last_checked_at = $3, suppressed_triggers = $4,
         peak_equity = GREATEST(COALESCE(peak_equity, $5::numeric), $5::numeric)
       WHERE account_id = $1`,
      [this.status.accountId, JSON.stringify(input.readings), input.checkedAt, input.suppressed, input.peakEquity.toFixed()],
    );
    this.status.suppressedTriggers = input.suppressed;
  }

}

interface StatusRow {
  account_id: string;
  account_name: string;
  state: KillSwitchState;
  trigger: Trigger | null;
  reason: string;
  actor: string;
  changed_at: Date;
  consecutive_api_errors: number;
  failed_resume_attempts: number;
  resume_locked_until: Date | null;
  suppressed_triggers: Partial<Record<Trigger, string>>;
  last_readings: Reading[] | Record<string, never>;
  last_checked_at: Date | null;
}

function toStatus(row: StatusRow): KillSwitchStatus {
  return {
    accountId: row.account_id,
    accountName: row.account_name,
    state: row.state,
    trigger: row.trigger,
    reason: row.reason,
    actor: row.actor,
    changedAt: row.changed_at,
    consecutiveApiErrors: row.consecutive_api_errors,
    failedResumeAttempts: row.failed_resume_attempts,
    resumeLockedUntil: row.resume_locked_until,
    suppressedTriggers: row.suppressed_triggers,
    lastReadings: Array.isArray(row.last_readings) ? row.last_readings : [],
    lastCheckedAt: row.last_checked_at,
  };
}
