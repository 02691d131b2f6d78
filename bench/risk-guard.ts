/**
 * Phase 3 of bench/risk.ts: the order guard (whenAdmitted on TradingGateRepository.lockAccount) against a plain
 * INSERT of the same order row, and concurrent submitters on one account.
 */
import type pg from "pg";
import type { DataSource } from "typeorm";
import { TradingGateRepository } from "../src/adapters/db/repositories/trading-gate-repository.js";
import { whenAdmitted } from "../src/app/orders/order-guard.js";
import type { NewOrder } from "../src/app/ports/trading-gate.js";
import { say, settle, type Results } from "./harness.js";
import { createAccounts, marketOrder } from "./risk-fixtures.js";
import { check, formatInt, formatMs, formatRate, formatSummary, msSince, summarize } from "./stats.js";

const GUARD_WARMUP = 200;
const GUARD_ORDERS = 2_000;
const CONCURRENT_SUBMITTERS = 8;
const CONCURRENT_ORDERS = 2_000;

const TARGET = {
  guardedP99Ms: 3,
};

/** The very statement Guarded.insertOrder sends, for the unguarded baseline. */
const PLAIN_INSERT = `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, limit_price, stop_price, requested_by, trading_day, proposal_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING id`;

function plainInsert(pool: pg.Pool, order: NewOrder): Promise<string | undefined> {
  return pool
    .query<{ id: string }>(PLAIN_INSERT, [
      order.accountId,
      order.idempotencyKey,
      order.source,
      order.side,
      order.ticker,
      order.quantity,
      order.orderType,
      order.limitPrice?.toFixed() ?? null,
      order.stopPrice?.toFixed() ?? null,
      order.requestedBy,
      order.tradingDay,
      order.proposalId ?? null,
    ])
    .then((r) => r.rows[0]?.id);
}

/** 3. What the guard adds to each order, and how orders on one account serialise behind it. */
export async function measureGuard(dataSource: DataSource, pool: pg.Pool, results: Results): Promise<void> {
  const record = results.record.bind(results);
  say(`\n[3] order guard: whenAdmitted(gate, account, false, tx => tx.insertOrder(...)) vs one plain autocommit INSERT of the same row, same pool`);
  const [sequential, concurrent] = await createAccounts(pool, ["bench-risk-guard", "bench-risk-guard-concurrent"], "100000");
  if (!sequential || !concurrent) throw new Error("guard accounts were not created");
  await settle(pool, "orders, kill_switch_states");
  const gate = new TradingGateRepository(dataSource);

  const guarded = async (key: string): Promise<void> => {
    const result = await whenAdmitted(gate, sequential, false, (tx) => tx.insertOrder(marketOrder(sequential, key)));
    if (!result.allowed || !result.value) throw new Error(`guarded order ${key} was not recorded: ${JSON.stringify(result)}`);
  };
  const baseline = async (key: string): Promise<void> => {
    if (!(await plainInsert(pool, marketOrder(sequential, key)))) throw new Error(`plain order ${key} was not recorded`);
  };
  // Diagnostic only: the guard's transaction shape and round trips, without the row lock.
  const unlocked = async (key: string): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL lock_timeout = '5s'");
      const { rows } = await client.query<{ state: string }>("SELECT state, reason FROM kill_switch_states WHERE account_id = $1", [sequential]);
      if (rows[0]?.state !== "ACTIVE") throw new Error("the guard account is not ACTIVE");
      const order = marketOrder(sequential, key);
      const inserted = await client.query(PLAIN_INSERT, [order.accountId, order.idempotencyKey, order.source, order.side, order.ticker, order.quantity, order.orderType, null, null, order.requestedBy, order.tradingDay, null]);
      if (inserted.rowCount !== 1) throw new Error(`unlocked order ${key} was not recorded`);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const time = async (fn: () => Promise<void>): Promise<number> => {
    const c = process.hrtime.bigint();
    await fn();
    return msSince(c);
  };

  for (let i = 0; i < GUARD_WARMUP; i += 1) {
    await guarded(`warm-g-${i}`);
    await baseline(`warm-b-${i}`);
    await unlocked(`warm-u-${i}`);
  }
  // Interleaved, rotating which goes first, so all see the same table size, cache and checkpoint state.
  const guardedMs: number[] = [];
  const baselineMs: number[] = [];
  const unlockedMs: number[] = [];
  let variantRound = 0;
  const variants = [
    () => time(() => guarded(`g-${variantRound}`)).then((ms) => guardedMs.push(ms)),
    () => time(() => baseline(`b-${variantRound}`)).then((ms) => baselineMs.push(ms)),
    () => time(() => unlocked(`u-${variantRound}`)).then((ms) => unlockedMs.push(ms)),
  ];
  let t = process.hrtime.bigint();
  for (; variantRound < GUARD_ORDERS; variantRound += 1) {
    for (let k = 0; k < variants.length; k += 1) await variants[(variantRound + k) % variants.length]!();
  }
  const sequentialMs = msSince(t);
  const g = summarize(guardedMs);
  const b = summarize(baselineMs);
  const u = summarize(unlockedMs);
  const sumG = guardedMs.reduce((x, y) => x + y, 0);
  say(`    ${formatInt(GUARD_WARMUP)} warm-up + ${formatInt(GUARD_ORDERS)} timed orders per variant, interleaved, in ${formatMs(sequentialMs)}`);
  say(`    guarded:  ${formatSummary(g)}`);
  say(`    baseline: ${formatSummary(b)}`);
  say(`    diagnostic, the guard's transaction without FOR UPDATE: ${formatSummary(u)}`);
  say(`    guard adds: p50 ${signedMs(g.p50 - b.p50)}, p99 ${signedMs(g.p99 - b.p99)}; ratio guarded/baseline p50 ${(g.p50 / b.p50).toFixed(2)}x, p99 ${(g.p99 / b.p99).toFixed(2)}x`);
  say("    (guarded = pool checkout, BEGIN, SET LOCAL lock_timeout, SELECT ... FOR UPDATE, INSERT, COMMIT; baseline = one INSERT that commits itself)");
  say(`    one sequential submitter, guarded: ${formatRate((GUARD_ORDERS / sumG) * 1000, "orders")}`);
  record("guarded order p99", `${formatMs(g.p99)} (p50 ${formatMs(g.p50)}, p95 ${formatMs(g.p95)})`, `<= ${TARGET.guardedP99Ms} ms`, check(g.p99, "<=", TARGET.guardedP99Ms));
  record("  plain INSERT baseline p99", `${formatMs(b.p99)} (p50 ${formatMs(b.p50)}, p95 ${formatMs(b.p95)})`, "-", "info");
  record("  guard added cost", `p50 ${signedMs(g.p50 - b.p50)}, p99 ${signedMs(g.p99 - b.p99)}`, "-", "info");
  record("  same transaction without FOR UPDATE p99", `${formatMs(u.p99)} (p50 ${formatMs(u.p50)}) - diagnostic`, "-", "info");
  record("  ratio guarded / baseline", `p50 ${(g.p50 / b.p50).toFixed(2)}x, p99 ${(g.p99 / b.p99).toFixed(2)}x`, "-", "info");

  // Concurrent submitters on one account: each waits for the row lock of the one before.
  say(`\n    ${CONCURRENT_SUBMITTERS} concurrent submitters, ${formatInt(CONCURRENT_ORDERS)} guarded orders on one account`);
  const concurrentMs: number[] = [];
  let next = 0;
  t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENT_SUBMITTERS }, async (_, worker) => {
      while (next < CONCURRENT_ORDERS) {
        const key = `c-${worker}-${next}`;
        next += 1;
        const c = process.hrtime.bigint();
        const result = await whenAdmitted(gate, concurrent, false, (tx) => tx.insertOrder(marketOrder(concurrent, key)));
        concurrentMs.push(msSince(c));
        if (!result.allowed || !result.value) throw new Error(`concurrent order ${key} was not recorded`);
      }
    }),
  );
  const concurrentWall = msSince(t);
  const c = summarize(concurrentMs);
  const rate = (CONCURRENT_ORDERS / concurrentWall) * 1000;
  const counts = await pool.query<{ account_id: string; n: number }>(`SELECT account_id, count(*)::int AS n FROM orders WHERE account_id = ANY($1::uuid[]) GROUP BY account_id`, [[sequential, concurrent]]);
  const count = (id: string) => counts.rows.find((r) => r.account_id === id)?.n ?? 0;
  if (count(sequential) !== 3 * (GUARD_WARMUP + GUARD_ORDERS) || count(concurrent) !== CONCURRENT_ORDERS) {
    throw new Error(`orders recorded: ${count(sequential)} and ${count(concurrent)}, expected ${3 * (GUARD_WARMUP + GUARD_ORDERS)} and ${CONCURRENT_ORDERS}`);
  }
  say(`    ${formatInt(CONCURRENT_ORDERS)} orders in ${formatMs(concurrentWall)} -> ${formatRate(rate, "orders")}`);
  say(`    per order (incl. waiting for the lock): ${formatSummary(c)}`);
  say("    they serialise on the account's kill-switch row lock by design: the rate is bounded by one lock holder's round trips and commit");
  record(`${CONCURRENT_SUBMITTERS} concurrent submitters, one account`, `${formatRate(rate, "orders")} (p50 ${formatMs(c.p50)}, p99 ${formatMs(c.p99)})`, "-", "info");
}

/** +0.396 ms / -0.043 ms: a difference of latencies. */
function signedMs(ms: number): string {
  return `${ms < 0 ? "-" : "+"}${formatMs(Math.abs(ms))}`;
}
