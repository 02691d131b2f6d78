import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrations } from "../../migrations/index.js";
import { BackupFileError, RestoreRefused } from "../../src/adapters/db/backup/format.js";
import { restoreBackup, type RestoreResult } from "../../src/adapters/db/backup/restore-backup.js";
import { writeBackup } from "../../src/adapters/db/backup/write-backup.js";
import { createDataSource, migrateDown } from "../../src/adapters/db/data-source.js";
import { haltTrading } from "../../src/app/kill-switch/halt-trading.js";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { adminQuery, databaseUrl, useTestDatabase } from "../support/database.js";
import { MARKET_OPEN, executionDeps, killSwitchDeps, price } from "../support/desk.js";
import { runEntry } from "../support/spawn.js";

const db = useTestDatabase();

/** Text that breaks naive dumps: quotes, tabs, backslashes, newlines, a line that reads as COPY's end marker, emoji sequences. */
const ODD = `emoji 📈🚀 "double" 'single' tab\there back\\slash \\n not a newline\nreal newline\r\n\\.\n\\.\nCOPY public."accounts" FROM stdin;\n-- warroom-backup {}\nzwj 👩‍👩‍👧 é end`;
const BIG_OPERATOR = "9007199254740993"; // past 2^53: a float would change it
const HALT_REASON = 'feed glitch 🚨 "stale"\tquote';

let dir: string;
const extraDatabases: string[] = [];
let account: string;
let halted: string;
let orders = 0;

async function emptyDatabase(): Promise<string> {
  const name = `wr_restore_${randomBytes(5).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  extraDatabases.push(name);
  return databaseUrl(name);
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every table's row count and a digest of its rows in a fixed order; the migrations by name. */
async function contents(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`,
    );
    const result: Record<string, string> = {};
    for (const { name } of tables) {
      if (name === "migrations") {
        result[name] = (await client.query<{ name: string }>(`SELECT name FROM migrations ORDER BY id`)).rows.map((r) => r.name).join(",");
        continue;
      }
      const { rows } = await client.query<{ n: number; digest: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM public."${name}" t`,
      );
      result[name] = `${rows[0]!.n} ${rows[0]!.digest}`;
    }
    return result;
  });
}

async function tablesIn(url: string): Promise<string[]> {
  return withClient(url, async (client) => (await client.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.t));
}

async function restoreInto(url: string, file: string, force = false): Promise<RestoreResult> {
  const dataSource = createDataSource({ url, poolSize: 2, applicationName: "restore-test" });
  await dataSource.initialize();
  try {
    return await restoreBackup(dataSource, file, { force });
  } finally {
    await dataSource.destroy();
  }
}

async function buy(accountId: string, ticker: string, quantity: number, side: "BUY" | "SELL" = "BUY"): Promise<void> {
  orders += 1;
  const outcome = await executeOrder(executionDeps(db.dataSource), { accountId, idempotencyKey: `backup-${orders}`, source: "operator", side, ticker, quantity, requestedBy: "tg:7" });
  expect(outcome.status).toBe("filled");
}

/**
 * A copy of a backup with its text edited; with `reseal`, each section's row count and checksum
 * are recomputed, as a well-formed file with that content would carry them.
 */
async function edited(file: string, name: string, edit: (text: string) => string, reseal = false): Promise<string> {
  let text = edit(gunzipSync(await readFile(file)).toString("utf8"));
  if (reseal) {
    const lines = text.split("\n");
    const manifest = JSON.parse(lines[0]!.slice("-- warroom-backup ".length)) as { tables: { rows: number; sha256: string }[] };
    let at = 1;
    for (const table of manifest.tables) {
      const start = at + 1;
      while (lines[at] !== "\\.") at += 1;
      const rows = lines.slice(start, at);
      table.rows = rows.length;
      table.sha256 = createHash("sha256").update(rows.map((r) => `${r}\n`).join("")).digest("hex");
      at += 1;
    }
    text = [`-- warroom-backup ${JSON.stringify(manifest)}`, ...lines.slice(1)].join("\n");
  }
  const out = join(dir, name);
  await writeFile(out, gzipSync(text));
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "war-room-backup-"));
  const ds = db.dataSource;
  account = await createAccount(ds, { name: "shadow-α 🚀", cash: "100000" });
  halted = await createAccount(ds, { name: "halted-desk", cash: "25000.1234" });
  const quoted = new Date(MARKET_OPEN.getTime() - 30_000);
  await price(ds, "NVDA", "123.456789", quoted);
  await price(ds, "AAPL", "187.654321", quoted);
  await buy(account, "NVDA", 7);
  await buy(account, "AAPL", 3);
  await buy(account, "NVDA", 2, "SELL");
  await buy(halted, "NVDA", 11);
  await holdPosition(ds, halted, "BRK.B", 4, "412.3456");
  await haltTrading(killSwitchDeps(ds), { accountId: halted, reason: HALT_REASON, actor: "tg:42" });

  await ds.query(`INSERT INTO operators (telegram_user_id, display_name, role) VALUES ($1, $2, 'admin'), (42, 'trader "two"', 'trader')`, [BIG_OPERATOR, `Boss 🚀\t${ODD}`]);
  await ds.query(
    `INSERT INTO proposals (account_id, idempotency_key, source, side, ticker, quantity, order_type, limit_price, rationale, requested_by, expires_at, messages)
     VALUES ($1, 'p-1', 'warroom', 'BUY', 'NVDA', 5, 'limit', 120.123456, $2, 'tg:42', $3, $4)`,
    [account, ODD, new Date(MARKET_OPEN.getTime() + 600_000), JSON.stringify([{ chatId: -1001234567890, messageId: 7, text: ODD }])],
  );
  await ds.query(`INSERT INTO audit_log (actor, action, account_id, subject, details) VALUES ('tg:42', 'halt', $1, $2, $3), ('system', 'note', NULL, NULL, '{}')`, [
    halted,
    ODD,
    JSON.stringify({ note: ODD, nested: { list: [1, "2", null, 1.5, 1e-7, true] } }),
  ]);
  const [{ id: articleId }] = await ds.query(
    `INSERT INTO news_articles (content_hash, title, url, source, summary, tickers, published_at, sentiment)
     VALUES ($1, $2, 'https://example.test/a?b=1&c=\\x', 'wire', NULL, '{NVDA,"BRK.B"}', '2026-11-24T15:59:59.123456Z', -0.1234) RETURNING id`,
    ["a".repeat(64), ODD],
  );
  await ds.query(`INSERT INTO news_article_tickers (article_id, ticker, published_at) VALUES ($1, 'NVDA', '2026-11-24T15:59:59.123456Z')`, [articleId]);
  await ds.query(`INSERT INTO news_articles (content_hash, title, url, summary, published_at) VALUES ($1, '', 'u', '', now())`, ["b".repeat(64)]);
  const [{ id: session }] = await ds.query(
    `INSERT INTO warroom_sessions (account_id, ticker, requested_by, decision, confidence, rationale, duration_ms) VALUES ($1, 'NVDA', 'tg:42', 'BUY', 0.7321, $2, 1234) RETURNING id`,
    [account, ODD],
  );
  await ds.query(`INSERT INTO agent_votes (session_id, agent, vote, confidence, rationale, details) VALUES ($1, 'trend', 'BUY', 0.9, $2, $3)`, [session, ODD, JSON.stringify({ rsi: "71.234567" })]);
  await ds.query(`INSERT INTO trading_signals (ticker, signal, confidence, source, rationale, price, warroom_session_id) VALUES ('NVDA', 'BUY', 0.8, 'warroom', $1, 123.456789, $2)`, [ODD, session]);
  await ds.query(`INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value) VALUES ($1, 'intraday', '2026-11-24', 100000.0001, 99000.1234, 999.8767)`, [account]);
});

afterAll(async () => {
  for (const name of extraDatabases) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("npm run backup, npm run restore", () => {
  // Redis is configured but unreachable: neither command needs it.
  const env = (url: string) => ({ DATABASE_URL: url, DATA_DIR: dir, REDIS_URL: "redis://127.0.0.1:1" });
  let file: string;
  let atBackup: Record<string, string>;
  let restored: string;

  it("a restored desk has the same accounts, positions, cash, kill switches and audit: every table, row for row", async () => {
    file = join(dir, "desk.sql.gz");
    atBackup = await contents(db.url);
    const backup = await runEntry("src/main/backup.ts", ["--out", file], env(db.url));
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toContain(`backup written: ${file} (mode 0600)`);
    expect(backup.output).toMatch(/^ {2}\d+ tables, \d+ rows, \d+ bytes, \d+\.\d s$/m);
    expect(backup.output).toMatch(/^ {4}fills +4$/m);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    restored = await emptyDatabase();
    const restore = await runEntry("src/main/restore.ts", [file], env(restored));
    expect(restore.code, restore.output).toBe(0);
    // The halt cleaned its reason (a tab becomes a space); the restore prints it as stored.
    expect(restore.output).toMatch(/^ {4}halted-desk +HALTED {2}feed glitch 🚨 "stale" quote$/m);
    expect(restore.output).toMatch(/^ {4}shadow-α 🚀 +ACTIVE {2}test: armed$/m);

    expect(await contents(restored)).toEqual(atBackup);
    expect(Object.keys(atBackup)).toEqual(expect.arrayContaining(["accounts", "positions", "fills", "kill_switch_states", "kill_switch_events", "audit_log", "proposals", "news_articles", "operators"]));
    await withClient(restored, async (client) => {
      const states = await client.query(`SELECT a.name, a.cash::text, k.state, k.reason FROM accounts a JOIN kill_switch_states k ON k.account_id = a.id ORDER BY a.name`);
      const source = await db.dataSource.query(`SELECT a.name, a.cash::text, k.state, k.reason FROM accounts a JOIN kill_switch_states k ON k.account_id = a.id ORDER BY a.name`);
      expect(states.rows).toEqual(source);
      expect(states.rows.map((r) => r.state)).toEqual(["HALTED", "ACTIVE"]);
      expect((await client.query(`SELECT title FROM news_articles WHERE summary IS NULL`)).rows).toEqual([{ title: ODD }]);
      expect((await client.query(`SELECT telegram_user_id::text AS id FROM operators WHERE role = 'admin'`)).rows).toEqual([{ id: BIG_OPERATOR }]);
      // Sequences continue past the restored ids: the desk's next row does not collide.
      const next = await client.query<{ id: string; top: string }>(`INSERT INTO audit_log (actor, action) VALUES ('test', 'after-restore') RETURNING id::text, (SELECT max(id) FROM audit_log)::text AS top`);
      expect(BigInt(next.rows[0]!.id)).toBeGreaterThan(2n);
      await client.query(`DELETE FROM audit_log WHERE action = 'after-restore'`);
    });
  });

  it("refuses a cut, damaged or foreign file before touching the database", async () => {
    const bytes = await readFile(file);
    const cut = join(dir, "cut.sql.gz");
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const flipped = join(dir, "flipped.sql.gz");
    const damaged = Buffer.from(bytes);
    const at = Math.floor(damaged.length * 0.7);
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0xff, at);
    await writeFile(flipped, damaged);
    const plain = join(dir, "plain.txt");
    await writeFile(plain, "not a backup\n");
    const tampered = await edited(file, "tampered.sql.gz", (text) => text.replace("\thalted-desk\t", "\thalted-dusk\t"));
    const endMarkGone = await edited(file, "short.sql.gz", (text) => text.slice(0, text.lastIndexOf("\n", text.length - 2) + 1));

    const target = await emptyDatabase();
    const expectations: [string, RegExp][] = [
      [cut, /cut short/],
      // Where the flipped bit lands decides which check sees it first (inflate, a line, a checksum): each refuses.
      [flipped, /is not usable: /],
      [plain, /not gzip data/],
      [tampered, /content of table accounts does not match its checksum/],
      [endMarkGone, /cut short/],
      [join(dir, "missing.sql.gz"), /no such file/],
    ];
    for (const [bad, message] of expectations) {
      const error = await restoreInto(target, bad).then(() => undefined, (e: unknown) => e);
      expect(error, bad).toBeInstanceOf(BackupFileError);
      expect((error as Error).message, bad).toMatch(message);
    }
    expect(await tablesIn(target)).toEqual([]);

    const viaCli = await runEntry("src/main/restore.ts", [cut], env(target));
    expect(viaCli.code).toBe(1);
    expect(viaCli.output).toMatch(/^restore refused, nothing was changed: backup file .*cut\.sql\.gz is not usable: .*cut short/m);
    expect(await tablesIn(target)).toEqual([]);
  });

  it("refuses a backup from a newer War Room", async () => {
    const newer = await edited(file, "newer.sql.gz", (text) => text.replace(`"migrations":[`, `"migrations":[{"timestamp":1799999999999,"name":"FromTheFuture1799999999999"},`));
    const target = await emptyDatabase();
    const error = await restoreInto(target, newer).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RestoreRefused);
    expect((error as Error).message).toMatch(/newer War Room.*FromTheFuture1799999999999/);
    expect(await tablesIn(target)).toEqual([]);
  });

  it("refuses to restore over a desk without --force and changes nothing; a failing load with --force changes nothing either", async () => {
    const before = await contents(restored);
    const refused = await runEntry("src/main/restore.ts", [file], env(restored));
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/restore refused, nothing was changed: the database already holds a desk \(2 accounts, 4 orders, 4 fills\)/);
    expect(await contents(restored)).toEqual(before);

    // Well-formed, checksums right, but one row breaks a CHECK: the load fails half-way (after
    // the drop, the migrations and the first tables), and all of it rolls back.
    const invalid = await edited(file, "invalid.sql.gz", (text) => text.replace(/(\n9007199254740993\t[^\n]*?\t)admin\t/, "$1wizard\t"), true);
    const error = await restoreInto(restored, invalid, true).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toMatch(/operators_role_check|violates check constraint/);
    expect(await contents(restored)).toEqual(before);

    // Whatever else is in the schema (as a later migration might create) goes too: the
    // migrations rebuild it from nothing, and would otherwise stop on "already exists".
    await withClient(restored, async (client) => {
      await client.query(`CREATE TYPE public.stray_kind AS ENUM ('a', 'b')`);
      await client.query(`CREATE TYPE public.stray_span AS RANGE (subtype = numeric)`);
      await client.query(`CREATE DOMAIN public.stray_money AS numeric(20,4) CHECK (VALUE >= 0)`);
      await client.query(`CREATE FUNCTION public.stray_fn(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x + 1'`);
      await client.query(`CREATE SEQUENCE public.stray_seq`);
      await client.query(`CREATE VIEW public.stray_view AS SELECT name FROM accounts`);
    });
    const forced = await runEntry("src/main/restore.ts", [file, "--force"], env(restored));
    expect(forced.code, forced.output).toBe(0);
    expect(forced.output).toMatch(/replacing the \d+ tables that were there/);
    expect(await contents(restored)).toEqual(atBackup);
    await withClient(restored, async (client) => {
      const left = await client.query(
        `SELECT relname AS name FROM pg_class WHERE relname LIKE 'stray%' UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'stray%' UNION ALL SELECT typname FROM pg_type WHERE typname LIKE 'stray%'`,
      );
      expect(left.rows).toEqual([]);
    });
  });

  it("refuses while another client is connected to the database", async () => {
    const before = await contents(db.url);
    // db.dataSource's pool is connected to the source database, as a running desk would be.
    await db.dataSource.query("SELECT 1");
    const error = await restoreInto(db.url, file, true).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RestoreRefused);
    expect((error as Error).message).toMatch(/the database is in use \(test x\d+\): stop the desk/);
    expect(await contents(db.url)).toEqual(before);
  });

  it("a backup taken while the desk trades is one snapshot: what commits during it is not in it, in any table", async () => {
    let atSnapshot: Record<string, string> | undefined;
    const out = join(dir, "while-trading.sql.gz");
    await writeBackup({
      databaseUrl: db.url,
      out,
      onTable: async (table) => {
        if (atSnapshot) return;
        expect(table.name).toBe("accounts"); // the first table: every other one is still to come
        atSnapshot = await contents(db.url);
        // A trade commits meanwhile: an order, a fill, the position, cash and (for some) audit and kill-switch rows.
        await buy(account, "NVDA", 1);
        await haltTrading(killSwitchDeps(db.dataSource), { accountId: account, reason: "mid-backup", actor: "tg:42" });
      },
    });
    const after = await contents(db.url);
    expect(after.fills).not.toEqual(atSnapshot!.fills);
    expect(after.kill_switch_states).not.toEqual(atSnapshot!.kill_switch_states);

    const target = await emptyDatabase();
    await restoreInto(target, out);
    expect(await contents(target)).toEqual(atSnapshot);
  });

  it("dates and times come back the same between servers whose date styles differ", async () => {
    const source = `wr_dmy_${randomBytes(5).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${source} TEMPLATE ${inject("pgTemplate")}`);
    extraDatabases.push(source);
    await adminQuery(`ALTER DATABASE ${source} SET DateStyle = 'SQL, DMY'`);
    const sourceUrl = databaseUrl(source);
    const day = await withClient(sourceUrl, async (client) => {
      const id = (await client.query<{ id: string }>(
        `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity, created_at) VALUES ('dmy', 'shadow', 'paper', 'shadow', 1, 1, 1, '2026-11-24 23:59:59.999999+05:30') RETURNING id`,
      )).rows[0]!.id;
      await client.query(`INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value) VALUES ($1, 'end_of_day', '2026-11-24', 1, 1, 0)`, [id]);
      return (await client.query<{ day: string }>(`SELECT trading_day::text AS day FROM equity_snapshots`)).rows[0]!.day;
    });
    expect(day).toBe("24/11/2026"); // the server's own style really is day-first
    const out = join(dir, "dmy.sql.gz");
    await writeBackup({ databaseUrl: sourceUrl, out });

    const target = await emptyDatabase();
    await adminQuery(`ALTER DATABASE ${target.split("/").pop()} SET DateStyle = 'SQL, MDY'`);
    await restoreInto(target, out);
    const iso = `SET DateStyle = 'ISO'; SET TimeZone = 'UTC'`;
    const read = `SELECT a.created_at::text AS created, s.trading_day::text AS day FROM accounts a JOIN equity_snapshots s ON s.account_id = a.id`;
    const restoredRows = await withClient(target, async (client) => (await client.query(iso), (await client.query(read)).rows));
    expect(restoredRows).toEqual([{ created: "2026-11-24 18:29:59.999999+00", day: "2026-11-24" }]);
  });

  it("an old backup restores into a newer desk: this code's newer migrations run after the load", async () => {
    const oldName = `wr_old_${randomBytes(5).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${oldName} TEMPLATE ${inject("pgTemplate")}`);
    extraDatabases.push(oldName);
    const oldUrl = databaseUrl(oldName);
    const old = createDataSource({ url: oldUrl, poolSize: 2, applicationName: "old-desk" });
    await old.initialize();
    try {
      await migrateDown(old, 1);
      await createAccount(old, { name: "old-desk", state: "HALTED" });
    } finally {
      await old.destroy();
    }
    const latest = new migrations[migrations.length - 1]!().name;
    const out = join(dir, "old.sql.gz");
    const backup = await writeBackup({ databaseUrl: oldUrl, out });
    expect(backup.manifest.migrations.map((m) => m.name)).not.toContain(latest);

    const target = await emptyDatabase();
    const result = await restoreInto(target, out);
    expect(result.appliedAfter).toEqual([latest]);
    expect((await contents(target)).migrations).toEqual(migrations.map((M) => new M().name).join(","));
    expect(result.killSwitches.map((k) => [k.account, k.state])).toEqual([["old-desk", "HALTED"]]);
  });
});
