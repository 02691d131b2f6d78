import type pg from "pg";
import type { DataSource } from "typeorm";
import type { LoadedSnapshot, SnapshotRequest, SnapshotSource } from "../../../app/ports/snapshot-source.js";
import { Dec } from "../../../domain/decimal.js";
import type { HeldPosition } from "../../../domain/kill-switch/triggers.js";
import { accountValuation, type ValuedPosition } from "../../../domain/portfolio/valuation.js";
import type { AccountMode, Phase } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

/** One statement: the kill switch's whole view of an account, with each held ticker's newest price. */
const SNAPSHOT = {
  name: "kill_switch_snapshot",
  text: `
  SELECT a.name, a.mode, a.phase, a.phase_start_equity::text AS phase_start_equity, a.cash::text AS cash, k.consecutive_api_errors, k.peak_equity::text AS peak_equity,
    k.suppressed_triggers <> '{}'::jsonb AS any_suppressed,
    (SELECT e.equity::text FROM equity_snapshots e
      WHERE e.account_id = a.id AND e.trading_day = $2 AND e.kind = 'start_of_day') AS start_of_day,
    (SELECT count(*)::int FROM orders o
      WHERE o.account_id = a.id AND o.trading_day = $2 AND o.status NOT IN ('rejected', 'failed')) AS orders_today,
    COALESCE((SELECT json_agg(json_build_object('ticker', p.ticker, 'quantity', p.quantity, 'cost', p.cost_basis::text, 'close', lp.close::text, 'time', lp.time, 'source', lp.source) ORDER BY p.ticker)
      FROM positions p
      LEFT JOIN LATERAL (SELECT s.close, s.time, s.source FROM stock_prices s WHERE s.ticker = p.ticker ORDER BY s.time DESC LIMIT 1) lp ON true
      WHERE p.account_id = a.id AND p.quantity > 0), '[]') AS positions
  FROM accounts a JOIN kill_switch_states k ON k.account_id = a.id
  WHERE a.id = $1`,
};

interface SnapshotRow {
  name: string;
  mode: AccountMode;
  phase: Phase;
  phase_start_equity: string;
  cash: string;
  consecutive_api_errors: number;
  peak_equity: string | null;
  any_suppressed: boolean;
  start_of_day: string | null;
  orders_today: number;
  positions: { ticker: string; quantity: number; cost: string; close: string | null; time: string | null; source: string | null }[];
}

const ZERO = new Dec(0);

export class SnapshotRepository implements SnapshotSource {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async load(request: SnapshotRequest): Promise<LoadedSnapshot | undefined> {
    const { rows } = await this.pool.query<SnapshotRow>({ ...SNAPSHOT, values: [request.accountId, request.tradingDay] });
    const row = rows[0];
    if (!row) return undefined;
    const positions: HeldPosition[] = [];
    const valued: ValuedPosition[] = [];
    for (const p of row.positions) {
      const lastPrice = p.close === null ? null : new Dec(p.close);
      positions.push({ ticker: p.ticker, quantity: p.quantity, lastPrice, priceTime: p.time === null ? null : new Date(p.time), priceSource: p.source });
      // The cost basis only values an unpriced position: parsed only then (this runs on every tick's check).
      valued.push({ quantity: p.quantity, lastPrice, costBasis: lastPrice ? ZERO : new Dec(p.cost) });
    }
    const cash = new Dec(row.cash);
    // The desk's one valuation (an unpriced position at cost), so the kill switch reads the
    // equity /monitor, the gate and the marks read; the concentration and stale-data triggers
    // still fire on the unpriced position, so the switch stays fail-closed.
    const valuation = accountValuation(cash, valued);
    const equity = valuation.equity;
    let startOfDay = row.start_of_day === null ? null : new Dec(row.start_of_day);
    // Only the kill switch's checks write: a read (/status, the War Room) never does.
    if (!startOfDay && request.fixStartOfDay) startOfDay = await this.recordStartOfDay(request, equity, cash, valuation.positionsValue);
    const peak = row.peak_equity === null ? equity : Dec.max(new Dec(row.peak_equity), equity);
    return {
      accountName: row.name,
      mode: row.mode,
      cash,
      anySuppressed: row.any_suppressed,
      snapshot: {
        equity,
        startOfDayEquity: startOfDay,
        peakEquity: peak,
        positions,
        consecutiveApiErrors: row.consecutive_api_errors,
        ordersToday: row.orders_today,
        marketOpen: request.marketOpen,
        now: request.now,
        phase: { mode: row.mode, phase: row.phase, startEquity: new Dec(row.phase_start_equity) },
      },
    };
  }

  /** The first look at a trading day fixes its start-of-day equity; a concurrent first look keeps the earlier one. */
  private async recordStartOfDay(request: SnapshotRequest, equity: Dec, cash: Dec, positionsValue: Dec): Promise<Dec> {
    const { rows } = await this.pool.query<{ equity: string }>(
      `WITH ins AS (
         INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at)
         VALUES ($1, 'start_of_day', $2, $3, $4, $5, $6)
         ON CONFLICT (account_id, trading_day, kind) WHERE kind <> 'intraday' DO NOTHING RETURNING equity::text)
       SELECT equity FROM ins
       UNION ALL SELECT equity::text FROM equity_snapshots WHERE account_id = $1 AND trading_day = $2 AND kind = 'start_of_day'
       LIMIT 1`,
      [request.accountId, request.tradingDay, equity.toFixed(4), cash.toFixed(4), positionsValue.toFixed(4), request.now],
    );
    if (rows[0]) return new Dec(rows[0].equity);
    // A concurrent first look inserted it after this statement's snapshot was taken: the insert
    // waited for it and did nothing, and the SELECT above could not see it yet. A new statement can.
    const again = await this.pool.query<{ equity: string }>(
      `SELECT equity::text FROM equity_snapshots WHERE account_id = $1 AND trading_day = $2 AND kind = 'start_of_day'`,
      [request.accountId, request.tradingDay],
    );
    if (!again.rows[0]) throw new Error(`the start-of-day equity of account ${request.accountId} for ${request.tradingDay} could not be read`);
    return new Dec(again.rows[0].equity);
  }
}
