import type pg from "pg";
import type { DataSource } from "typeorm";
import type { HaltRecord, RefusalLog, RefusedOrder, RiskHistory } from "../../../app/ports/risk-history.js";
import type { Trigger } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

export class RiskHistoryRepository implements RefusalLog, RiskHistory {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async record(r: RefusedOrder): Promise<void> {
    await this.pool.query({
      name: "refusal_insert",
      text: `INSERT INTO order_refusals (account_id, source, side, ticker, quantity, codes, reasons, requested_by, dry_run)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      values: [r.accountId, r.source, r.side, r.ticker, r.quantity, r.refusals.map((x) => x.code), JSON.stringify(r.refusals), r.requestedBy, r.dryRun],
    });
  }

  async refusalsByRule(from: Date, to: Date): Promise<{ code: string; orders: number }[]> {
    const { rows } = await this.pool.query<{ code: string; orders: number }>(
      `SELECT code, count(*)::int AS orders FROM order_refusals, unnest(codes) AS code
       WHERE created_at >= $1 AND created_at < $2 GROUP BY code ORDER BY orders DESC, code`,
      [from, to],
    );
    return rows;
  }

  async halts(from: Date, to: Date): Promise<HaltRecord[]> {
    const { rows } = await this.pool.query<{ account_id: string; name: string; trigger: Trigger | null; reason: string; actor: string; created_at: Date }>(
      `SELECT e.account_id, a.name, e.trigger, e.reason, e.actor, e.created_at
       FROM kill_switch_events e JOIN accounts a ON a.id = e.account_id
       WHERE e.event = 'halted' AND e.to_state = 'HALTED' AND (e.from_state IS DISTINCT FROM 'HALTED')
         AND e.created_at >= $1 AND e.created_at < $2
       ORDER BY e.created_at, e.id`,
      [from, to],
    );
    return rows.map((r) => ({ accountId: r.account_id, accountName: r.name, trigger: r.trigger, reason: r.reason, actor: r.actor, at: r.created_at }));
  }
}
