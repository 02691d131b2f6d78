import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { buildMonitorView, type MonitorView } from "../../src/app/views/monitor-view.js";
import { renderMonitorReport, renderMonitorText } from "../../src/cli/monitor-text.js";
import { Dec } from "../../src/domain/decimal.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { MARKET_OPEN, price } from "../support/desk.js";
import { runEntry } from "../support/spawn.js";

const db = useTestDatabase();
const NAME = "monitor-desk";
/** Tuesday 2026-11-24, 11:00 New York: the market is open. */
const NOW = MARKET_OPEN;
const MINUTE = 60_000;
/** Monday 2026-11-02: 17 trading days before NOW, both counted. */
const NOV_2 = new Date("2026-11-02T15:00:00Z");

let account: string;
let dataDir: string;

async function sql(text: string, values: unknown[] = []): Promise<void> {
  await db.dataSource.query(text, values);
}

let orders = 0;
async function closedTrade(ticker: string, side: "BUY" | "SELL", realizedPnl: string | null, at: Date): Promise<void> {
  orders += 1;
  const [order] = await db.dataSource.query(
    `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, status, filled_quantity, requested_by, trading_day)
     VALUES ($1, $2, 'operator', $3, $4, 1, 'market', 'filled', 1, 'tg:1', $5) RETURNING id`,
    [account, `monitor-${orders}`, side, ticker, at.toISOString().slice(0, 10)],
  );
  await sql(`INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, filled_at) VALUES ($1, $2, $3, $4, 1, 100, 0, $5, $6)`, [
    order.id, account, ticker, side, realizedPnl, at,
  ]);
}

async function position(ticker: string, quantity: number, average: string, stop: string | null, last: string | null): Promise<void> {
  await holdPosition(db.dataSource, account, ticker, quantity, average);
  if (stop) await sql(`UPDATE positions SET stop_price = $3 WHERE account_id = $1 AND ticker = $2`, [account, ticker, stop]);
  if (last) await price(db.dataSource, ticker, last, new Date(NOW.getTime() - MINUTE));
}

async function snapshot(kind: "start_of_day" | "end_of_day", day: string, equity: string, takenAt: Date): Promise<void> {
  await sql(`INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at) VALUES ($1, $2, $3, $4, $4, 0, $5)`, [
    account, kind, day, equity, takenAt,
  ]);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "war-room-monitor-"));
  account = await createAccount(db.dataSource, { name: NAME, cash: "10000" });
  await sql(`UPDATE accounts SET created_at = $2, phase_started_at = $2 WHERE id = $1`, [account, NOV_2]);
  await position("NVDA", 10, "100", "95", "110"); // 13.64% over its stop: Safe
  await position("AAPL", 20, "50", "49", "50"); // 2% over it: Near (the band is 3%)
  await position("TSLA", 5, "200", "190", "185"); // under it: Hit
  await position("NOPX", 3, "10", "9", null); // never priced: at cost, no reading
  await position("BRKX", 100, "1234.5", null, "1300"); // no stop
  await snapshot("start_of_day", "2026-11-24", "140000", new Date(NOW.getTime() - 120 * MINUTE));
  await closedTrade("MSFT", "BUY", null, new Date("2026-11-10T15:00:00Z"));
  await closedTrade("MSFT", "SELL", "60", new Date("2026-11-12T15:00:00Z"));
  await closedTrade("MSFT", "SELL", "-20", new Date("2026-11-13T15:00:00Z"));
  await snapshot("end_of_day", "2026-11-19", "10000", new Date("2026-11-19T21:05:00Z"));
  await snapshot("end_of_day", "2026-11-20", "10100", new Date("2026-11-20T21:05:00Z"));
  await snapshot("end_of_day", "2026-11-23", "10050", new Date("2026-11-23T21:05:00Z"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function view(): Promise<MonitorView> {
  const deps = { reader: new DeskReaderRepository(db.dataSource), calendar: createMarketCalendar(), clock: { now: () => NOW }, nearStopPct: new Dec(3) };
  return (await buildMonitorView(deps, account))!;
}

// Hand-checked: positions 1,100 + 1,000 + 925 + 30 (NOPX at cost) + 130,000 = 133,055; day P&L
// 3,055 / 140,000 = 2.1821%; BRKX 6,550 / 123,450 = 5.3058%; NVDA (110 - 95) / 110 = 13.6364%;
// TSLA (185 - 190) / 185 = -2.7027%; total 6,575 over the priced cost 126,450 = 5.1997%;
// return 10,050 / 10,000 - 1 = 0.5%; drawdown 10,050 / 10,100 - 1 = -0.495%.
const EXPECTED = `monitor-desk · shadow · phase shadow, day 17 · 2026-11-24 11:00 EST · market open
phase P&L +133,055.00 (+1330.55%) on a start of 10,000.00

Capital (USD)
  cash           10,000.00
  positions     133,055.00  (1 without a price, at cost)
  equity        143,055.00  (an estimate)
  start of day  140,000.00
  day P&L        +3,055.00  +2.18%

Positions (5)
  ticker  qty       avg      last  unrealised        %    stop  distance  status
  AAPL     20     50.00     50.00        0.00    0.00%   49.00     2.00%  Near
  BRKX    100  1,234.50  1,300.00   +6,550.00   +5.31%       -         -  no stop
  NOPX      3     10.00  no price         n/a      n/a    9.00       n/a  no price
  NVDA     10    100.00    110.00     +100.00  +10.00%   95.00    13.64%  Safe
  TSLA      5    200.00    185.00      -75.00   -7.50%  190.00    -2.70%  Hit
  total                             +6,575.00   +5.20%
  cost 126,480.00 · market value 133,055.00

Metrics (since inception)
  closed trades       2
  win rate       50.00%
  profit factor    3.00
  expectancy     +20.00
  average win     60.00
  average loss   -20.00
  total return   +0.50%
  max drawdown   -0.50%
  Sharpe           3.79
`;

describe("monitor text", () => {
  it("renders capital, positions against their stops and the metrics in aligned columns", async () => {
    expect(renderMonitorText(await view())).toBe(EXPECTED);
  });

  it("says so when there is no account, and puts a rule between accounts", async () => {
    expect(renderMonitorReport([])).toBe("no account yet\n");
    const v = await view();
    expect(renderMonitorReport([v, v])).toBe(`${EXPECTED}\n${"-".repeat(72)}\n\n${EXPECTED}`);
  });
});

describe("npm run monitor", () => {
  // Redis is configured but unreachable: the monitor reads PostgreSQL only.
  const env = () => ({ DATABASE_URL: db.url, DATA_DIR: dataDir, REDIS_URL: "redis://127.0.0.1:1", LOG_LEVEL: "info" });

  it("prints every account's monitor as text without Redis, and exits 0", async () => {
    const { code, output } = await runEntry("src/main/monitor.ts", [], env());
    expect(code, output).toBe(0);
    expect(output).toMatch(new RegExp(`^${NAME} · shadow · phase shadow, day \\d+ · `, "m"));
    expect(output).toMatch(/^ {2}NVDA +10 +100\.00 +110\.00 +\+100\.00 +\+10\.00% +95\.00 +13\.64% +Safe$/m);
    expect(output).toContain("Metrics (since inception)");
    // No log line gets into the operator's output.
    expect(output).not.toMatch(/^\{"level"/m);
  });

  it("prints the views as JSON with --json, decimals as strings", async () => {
    const { code, output } = await runEntry("src/main/monitor.ts", ["--json"], env());
    expect(code, output).toBe(0);
    const views = JSON.parse(output) as { accountId: string; accountName: string; capital: { cash: unknown }; positions: { ticker: string; averagePrice: unknown; stopStatus: string | null }[] }[];
    const mine = views.find((v) => v.accountId === account);
    expect(mine?.accountName).toBe(NAME);
    expect(mine?.capital.cash).toBe("10000");
    expect(mine?.positions.map((p) => [p.ticker, p.averagePrice])).toEqual([["AAPL", "50"], ["BRKX", "1234.5"], ["NOPX", "10"], ["NVDA", "100"], ["TSLA", "200"]]);
  });

  it("refuses an unknown option with exit code 2 and the usage", async () => {
    const { code, output } = await runEntry("src/main/monitor.ts", ["--nope"], env());
    expect(code).toBe(2);
    expect(output).toContain("usage: npm run monitor");
  });
});
