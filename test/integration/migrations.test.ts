import { describe, expect, it } from "vitest";
import { migrateDown, migrateUp } from "../../src/adapters/db/data-source.js";
import * as vocabulary from "../../src/domain/vocabulary.js";
import { useTestDatabase } from "../support/database.js";

const TABLES = [
  "accounts", "agent_votes", "audit_log", "desk_conditions", "desk_probes", "equity_snapshots", "fills",
  "job_heartbeats", "kill_switch_events", "kill_switch_states", "live_prep_evidence", "market_feeds", "mirror_legs", "mirrored_decisions",
  "news_article_tickers", "news_articles", "operators", "order_refusals", "orders", "override_code_guard", "phase_promotions", "positions",
  "proposals", "stock_prices", "trading_signals", "warroom_sessions",
];

// An empty database (not the migrated template): this file runs the migrations itself.
const db = useTestDatabase({ template: false });

/**
 * The desk's tables, without TypeORM's own: `migrations`, and `typeorm_metadata`, which TypeORM
 * creates when it runs migrations for entities that have generated columns (fills' amounts).
 */
async function tables(): Promise<string[]> {
  const rows: { table_name: string }[] = await db.dataSource.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('migrations', 'typeorm_metadata') ORDER BY 1",
  );
  return rows.map((r) => r.table_name);
}

async function indexDefinition(name: string): Promise<string | undefined> {
  const rows: { indexdef: string }[] = await db.dataSource.query("SELECT indexdef FROM pg_indexes WHERE indexname = $1", [name]);
  return rows[0]?.indexdef;
}

describe("migrations", () => {
  it("create every table of the data model, then drop them all on the way down, and come back up", async () => {
    const all = ["InitialSchema1763935200000", "KillSwitchPeakEquity1763942400000", "OrderRefusals1764000000000", "ExactFillAmounts1764100000000", "OverrideCodeGuard1764200000000", "DeskHealth1764300000000", "MarketFeeds1764400000000", "PathToLive1764600000000", "PhaseLossTrigger1764650000000"];
    expect(await migrateUp(db.dataSource)).toEqual(all);
    expect(await tables()).toEqual(TABLES);
    expect(await migrateUp(db.dataSource)).toEqual([]); // idempotent

    expect(await migrateDown(db.dataSource, 1)).toBe(1); // PhaseLossTrigger
    expect(await migrateDown(db.dataSource, 1)).toBe(1); // PathToLive
    expect(await tables()).not.toContain("phase_promotions");
    const [defaults] = await db.dataSource.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'operators' AND column_name = 'default_account_id'`);
    expect(defaults.n).toBe(0);
    expect(await migrateDown(db.dataSource, 1)).toBe(1); // MarketFeeds
    expect(await tables()).not.toContain("market_feeds");
    expect(await migrateDown(db.dataSource, 1)).toBe(1); // DeskHealth
    expect(await tables()).not.toContain("job_heartbeats");
    expect(await migrateDown(db.dataSource, 1)).toBe(1); // OverrideCodeGuard
    expect(await tables()).not.toContain("override_code_guard");
    expect(await migrateDown(db.dataSource, 1)).toBe(1); // ExactFillAmounts (its own test: exact-books-migration.test.ts)
    expect(await migrateDown(db.dataSource, 1)).toBe(1);
    expect(await tables()).not.toContain("order_refusals");
    expect(await migrateDown(db.dataSource, 1)).toBe(1);
    const [column] = await db.dataSource.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'kill_switch_states' AND column_name = 'peak_equity'`);
    expect(column.n).toBe(0);
    expect(await migrateDown(db.dataSource, 5)).toBe(1);
    expect(await tables()).toEqual([]);

    expect(await migrateUp(db.dataSource)).toEqual(all);
    expect(await tables()).toEqual(TABLES);
  });

  it("write the DESC and partial indexes of the hot queries", async () => {
    expect(await indexDefinition("trading_signals_ticker_recent")).toContain("(ticker, created_at DESC)");
    expect(await indexDefinition("trading_signals_pending_alerts")).toMatch(/\(ticker, confidence\) WHERE \(alert_sent = false\)/);
    expect(await indexDefinition("news_articles_processed")).toMatch(/\(processed_at DESC\) WHERE \(processed_at IS NOT NULL\)/);
    expect(await indexDefinition("news_article_tickers_recent")).toContain("(ticker, published_at DESC, article_id DESC)");
    expect(await indexDefinition("stock_prices_pkey")).toContain("(ticker, \"time\")");
    expect(await indexDefinition("news_articles_content_hash_key")).toContain("UNIQUE");
  });

  it("store money as NUMERIC, never as a binary float", async () => {
    const rows: { table_name: string; column_name: string; data_type: string }[] = await db.dataSource.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'typeorm_metadata' AND ((column_name ~ '(price|cash|capital|equity|pnl|commission|value)' AND column_name !~ '_at$') OR data_type IN ('real', 'double precision', 'money'))`,
    );
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.filter((r) => r.data_type !== "numeric")).toEqual([]);
  });

  it("keep the CHECK constraints' value sets identical to the domain's", async () => {
    const checks: { table: string; definition: string }[] = await db.dataSource.query(
      `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE contype = 'c'`,
    );
    const valuesOf = (table: string, column: string): string[] => {
      const def = checks.find((c) => c.table === table && new RegExp(`\\(\\(?${column} = ANY`).test(c.definition))?.definition;
      if (!def) throw new Error(`no CHECK on ${table}.${column}`);
      return [...def.matchAll(/'([^']+)'::text/g)].map((m) => m[1]!).sort();
    };
    const sorted = (values: readonly string[]) => [...values].sort();
    expect(valuesOf("orders", "side")).toEqual(sorted(vocabulary.SIDES));
    expect(valuesOf("orders", "status")).toEqual(sorted(vocabulary.ORDER_STATUSES));
    expect(valuesOf("orders", "source")).toEqual(sorted(vocabulary.ORDER_SOURCES));
    expect(valuesOf("proposals", "status")).toEqual(sorted(vocabulary.PROPOSAL_STATUSES));
    expect(valuesOf("kill_switch_states", "state")).toEqual(sorted(vocabulary.KILL_SWITCH_STATES));
    expect(valuesOf("kill_switch_states", "trigger")).toEqual(sorted(vocabulary.TRIGGERS));
    expect(valuesOf("kill_switch_events", "event")).toEqual(sorted(vocabulary.KILL_SWITCH_EVENTS));
    expect(valuesOf("accounts", "phase")).toEqual(sorted(vocabulary.PHASES));
    expect(valuesOf("operators", "role")).toEqual(sorted(vocabulary.ROLES));
    expect(valuesOf("agent_votes", "vote")).toEqual(sorted(vocabulary.VOTES));
    expect(valuesOf("equity_snapshots", "kind")).toEqual(sorted(vocabulary.SNAPSHOT_KINDS));
  });

  it("refuse values outside those sets, and a new account starts halted", async () => {
    const [account] = await db.dataSource.query(
      `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity) VALUES ('desk', 'shadow', 'paper', 'shadow', 100000, 100000, 100000) RETURNING id`,
    );
    await expect(db.dataSource.query(`INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity) VALUES ('bad', 'shadow', 'kis', 'shadow', 1, 1, 1)`)).rejects.toThrow(/accounts_mode_broker/);
    await expect(db.dataSource.query(`UPDATE accounts SET cash = -0.01 WHERE id = $1`, [account.id])).rejects.toThrow(/check constraint/);
    await db.dataSource.query(`INSERT INTO kill_switch_states (account_id) VALUES ($1)`, [account.id]);
    const [state] = await db.dataSource.query(`SELECT state, reason FROM kill_switch_states WHERE account_id = $1`, [account.id]);
    expect(state).toEqual({ state: "HALTED", reason: "new account: not yet armed" });
    await expect(db.dataSource.query(`UPDATE kill_switch_states SET state = 'PAUSED'`)).rejects.toThrow(/check constraint/);
    await expect(
      db.dataSource.query(
        `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, requested_by, trading_day)
         VALUES ($1, 'k', 'operator', 'HOLD', 'NVDA', 1, 'market', 'tg:1', '2026-11-23')`,
        [account.id],
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.dataSource.query(
        `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, requested_by, trading_day)
         VALUES ($1, 'k', 'operator', 'BUY', 'NVDA', 1, 'limit', 'tg:1', '2026-11-23')`,
        [account.id],
      ),
    ).rejects.toThrow(/orders_limit_price/);
  });
});
