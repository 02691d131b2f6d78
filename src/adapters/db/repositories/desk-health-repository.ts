import type pg from "pg";
import type { DataSource } from "typeorm";
import type { DeskHealthStore } from "../../../app/ports/desk-health-store.js";
import type { Condition } from "../../../domain/watchdog.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";

/** Heartbeats, write probes and watched conditions (migration DeskHealth1764300000000). */
export class DeskHealthRepository implements DeskHealthStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource, private readonly statementTimeoutMs = 5_000) {
    this.pool = pgPool(dataSource);
  }

  async recordJobCompleted(job: string, at: Date): Promise<void> {
    await this.pool.query({
      name: "job_heartbeat",
      text: `INSERT INTO job_heartbeats (job, last_ok_at) VALUES ($1, $2)
             ON CONFLICT (job) DO UPDATE SET last_ok_at = GREATEST(job_heartbeats.last_ok_at, EXCLUDED.last_ok_at), runs = job_heartbeats.runs + 1`,
      values: [job, at],
    });
  }

  async lastJobCompletions(): Promise<Map<string, Date>> {
    const { rows } = await this.pool.query<{ job: string; last_ok_at: Date }>(`SELECT job, last_ok_at FROM job_heartbeats`);
    return new Map(rows.map((r) => [r.job, r.last_ok_at]));
  }

  async probeWrite(process: string, at: Date): Promise<void> {
    // A transaction that commits (WAL flushed, as a halt's is), bounded so a stuck server answers as a failure.
    await inTransaction(
      this.pool,
      (client) => client.query(`INSERT INTO desk_probes (process, seen_at) VALUES ($1, $2) ON CONFLICT (process) DO UPDATE SET seen_at = EXCLUDED.seen_at`, [process, at]),
      { statement_timeout: String(this.statementTimeoutMs), synchronous_commit: "on" },
    );
  }

  async setCondition(condition: Condition, at: Date): Promise<boolean> {
    // The conditional upsert is the arbiter: of several processes seeing the same change, one row
    // version wins. A first row for a healthy condition is no change (nothing was failing).
    const { rows } = await this.pool.query<{ inserted: boolean; failing: boolean }>(
      `INSERT INTO desk_conditions (name, failing, detail, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET failing = EXCLUDED.failing, detail = EXCLUDED.detail, changed_at = EXCLUDED.changed_at
         WHERE desk_conditions.failing IS DISTINCT FROM EXCLUDED.failing
       RETURNING (xmax = 0) AS inserted, failing`,
      [condition.name, condition.failing, condition.detail, at],
    );
    const row = rows[0];
    if (!row) return false;
    return !(row.inserted && !row.failing);
  }
}
