import { beforeAll, describe, expect, it } from "vitest";
import { dailyReportJob } from "../../jobs/daily-report.js";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { EquityMarkRepository } from "../../src/adapters/db/repositories/equity-mark-repository.js";
import { OperatorRepository } from "../../src/adapters/db/repositories/operator-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { TradeLogRepository } from "../../src/adapters/db/repositories/trade-log-repository.js";
import { TelegramReportPublisher } from "../../src/adapters/telegram/report-publisher.js";
import { dailyReport } from "../../src/app/ports/report-publisher.js";
import { buildDailyReport, type ReportDeps } from "../../src/app/reports/daily-report.js";
import { renderDailyReportText } from "../../src/adapters/telegram/render/daily-report.js";
import { createPushApi } from "../../src/adapters/telegram/transport.js";
import { Dec } from "../../src/domain/decimal.js";
import { createLogger } from "../../src/logger.js";
import { reportCharts } from "../../src/main/report-charts.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { OPERATORS } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps, price } from "../support/desk.js";
import { TelegramRecorder } from "../support/telegram-recorder.js";

const db = useTestDatabase();
const log = createLogger("silent");
/** Tuesday 2026-11-24, 16:15 New York: the report's moment. */
const REPORT_TIME = new Date("2026-11-24T21:15:00Z");
const clock = { at: REPORT_TIME, now() { return this.at; } };
let accountId: string;

function reportDeps(): ReportDeps {
  return {
    reader: new DeskReaderRepository(db.dataSource),
    killSwitch: killSwitchDeps(db.dataSource, { clock }),
    proposals: new ProposalRepository(db.dataSource),
    trades: new TradeLogRepository(db.dataSource),
    nearStopPct: new Dec(2),
  };
}

beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { name: "Desk", cash: "10000" });
  await holdPosition(db.dataSource, accountId, "NKE", 10, "100");
  await db.dataSource.query(`UPDATE positions SET stop_price = 95 WHERE account_id = $1`, [accountId]);
  await price(db.dataSource, "NKE", "110", new Date("2026-11-24T20:59:00Z"));
  await db.dataSource.query(
    `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at) VALUES
     ($1, 'end_of_day', '2026-11-23', 10900, 10000, 900, '2026-11-23T21:05:00Z'),
     ($1, 'start_of_day', '2026-11-24', 10900, 10000, 900, '2026-11-24T14:30:00Z')`,
    [accountId],
  );
  // One round trip today: bought 5 XYZ at 20, sold them at 24 (P&L 20 - commissions).
  const [order] = await db.dataSource.query<{ id: string }[]>(
    `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, status, requested_by, trading_day)
     VALUES ($1, 'r-1', 'operator', 'SELL', 'XYZ', 5, 'market', 'filled', 'tg:1', '2026-11-24') RETURNING id`,
    [accountId],
  );
  await db.dataSource.query(
    `INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, broker_fill_id, filled_at)
     VALUES ($1, $2, 'XYZ', 'SELL', 5, 24, 1, 18, 'f-1', '2026-11-24T15:00:00Z')`,
    [order!.id, accountId],
  );
});

describe("the daily report", () => {
  it("states the day's figures exactly", async () => {
    const text = renderDailyReportText(await buildDailyReport(reportDeps()));
    expect(text).toContain("📊 <b>Daily report — 2026-11-24</b>");
    expect(text).toContain("cash $10,000.00 · positions $1,100.00 · equity <b>$11,100.00</b>");
    expect(text).toContain("day P&amp;L +$200.00 (+1.83%)");
    expect(text).toContain("<code>NKE</code> 10 @ 100.00 → 110.00 · +$100.00 (+10.00%)\n   stop 95.00 (13.64% away) 🟢 Safe");
    expect(text).toContain("<b>Today's trades (1)</b>\n10:00 ET SELL 5 <code>XYZ</code> @ 24.00 (operator) · P&amp;L $18.00");
    expect(text).toContain("closed trades 1 · win rate 100.00% · profit factor ∞");
    expect(text).toMatch(/🟢 <b>Desk<\/b> — <b>ACTIVE<\/b>/);
    expect(text).toContain("<b>Pending approvals</b>: 0");
    expect(text).toMatch(/<b>Desk: phase shadow<\/b> \(shadow\) · day \d+\/90/);
  });

  it("is pushed on a trading day after marking end-of-day equity, and not on a weekend or an NYSE holiday", async () => {
    // Published as production publishes it: to Telegram (recorded here), with the desk's chart renderer.
    const telegram = new TelegramRecorder();
    const api = createPushApi("1:t", { apiRoot: "https://api.telegram.org", fetch: telegram.fetch, throttle: false });
    const operators = new OperatorRepository(db.dataSource, new Map([...OPERATORS].slice(0, 1)));
    const publisher = new TelegramReportPublisher(api, operators, log, reportCharts());
    const job = dailyReportJob({ report: reportDeps(), marks: new EquityMarkRepository(db.dataSource), publisher });
    expect(job.schedule).toEqual({ pattern: "15 16 * * 1-5", tz: "America/New_York" });

    clock.at = new Date("2026-11-28T21:15:00Z"); // Saturday
    expect(await job.process({})).toEqual({ skipped: "2026-11-28 is not a trading day" });
    clock.at = new Date("2026-11-26T21:15:00Z"); // Thanksgiving, a Thursday
    expect(await job.process({})).toEqual({ skipped: "2026-11-26 is not a trading day" });
    expect(telegram.calls).toEqual([]);

    clock.at = REPORT_TIME;
    const result = await job.process({});
    expect(result).toMatchObject({ tradingDay: "2026-11-24", marked: 1, delivered: 1 });
    expect(telegram.sent("sendMessage").map((c) => String(c.payload.text).split("\n")[0])).toEqual(["📊 <b>Daily report — 2026-11-24</b>"]);
    // One chart per account, sent before the text: a PNG of 1600 x 1000 (800 x 500 drawn at twice the resolution).
    const photos = telegram.sent("sendPhoto");
    expect(photos).toHaveLength(1);
    expect(telegram.calls.map((c) => c.method)).toEqual(["sendPhoto", "sendMessage"]);
    // grammY uploads the file as its own multipart part, named by the photo field's attach:// reference.
    const attached = String(photos[0]!.payload.photo).replace("attach://", "");
    const png = (photos[0]!.payload[attached] as { data: Buffer }).data;
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1600, 1000]);
    const [mark] = await db.dataSource.query<{ equity: string }[]>(`SELECT equity::text FROM equity_snapshots WHERE account_id = $1 AND trading_day = '2026-11-24' AND kind = 'end_of_day'`, [accountId]);
    expect(mark!.equity).toBe("11100.0000");
  });

  it("is delivered after Telegram answers 429, once its retry_after has passed", async () => {
    const telegram = new TelegramRecorder();
    const api = createPushApi("1:t", { apiRoot: "https://api.telegram.org", fetch: telegram.fetch, throttle: false });
    const operators = new OperatorRepository(db.dataSource, new Map([...OPERATORS].slice(0, 1)));
    telegram.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const publisher = new TelegramReportPublisher(api, operators, log);
    const report = dailyReport(await buildDailyReport(reportDeps()));
    const result = await publisher.toOperators(report);
    expect(result).toEqual({ delivered: 1, failed: 0 });
    const texts = telegram.sent("sendMessage").map((c) => String(c.payload.text));
    expect(texts).toHaveLength(2);
    expect(texts[1]).toBe(texts[0]);
  });
});
