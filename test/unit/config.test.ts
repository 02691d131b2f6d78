import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.js";

function issuesFor(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("needs nothing: every setting has a safe default (zero-configuration local mode)", () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.telegram.token).toBeUndefined();
    expect(config.risk).toMatchObject({ dailyLossPct: 5, maxDrawdownPct: 10, apiErrorCount: 3, concentrationPct: 30, staleDataSeconds: 300, dailyTradeLimit: 20, priceCollarPct: 10 });
    expect(config.broker.shadowStartingCapital).toBe("100000");
    expect(config.operators.size).toBe(0);
  });

  it("parses operators into roles and lists", () => {
    const config = loadConfig({ ADMIN_IDS: "1, 2", TRADER_IDS: "3", VIEWER_IDS: "", WATCHLIST: "nvda,brk.b", NEWS_FEEDS: "https://a.example/rss" });
    expect([...config.operators]).toEqual([[1, "admin"], [2, "admin"], [3, "trader"]]);
    expect(config.news.watchlist).toEqual(["NVDA", "BRK.B"]);
    expect(config.news.feeds).toEqual(["https://a.example/rss"]);
  });

  it.each([
    ["KS_DAILY_LOSS_PCT", "abc", /KS_DAILY_LOSS_PCT: .*number/],
    ["KS_DAILY_LOSS_PCT", "0", /KS_DAILY_LOSS_PCT: expected a percentage greater than 0/],
    ["KS_MAX_DRAWDOWN_PCT", "150", /KS_MAX_DRAWDOWN_PCT: expected a percentage no greater than 100/],
    ["KS_DAILY_TRADE_LIMIT", "2.5", /KS_DAILY_TRADE_LIMIT: expected a whole number/],
    ["LOCAL_PG_PORT", "70000", /LOCAL_PG_PORT: expected a TCP port between 0 and 65535/],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/],
    ["REDIS_URL", "localhost:6379", /REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/],
    ["TELEGRAM_BOT_TOKEN", "nope", /TELEGRAM_BOT_TOKEN: expected a bot token/],
    ["TELEGRAM_MODE", "carrier-pigeon", /TELEGRAM_MODE: .*polling or webhook/],
    ["ADMIN_IDS", "12,abc", /ADMIN_IDS: expected comma-separated Telegram user ids, "abc" is not one/],
    ["NEWS_FEEDS", "ftp://x", /NEWS_FEEDS: expected comma-separated http\(s\) URLs/],
    ["WATCHLIST", "NV DA", /WATCHLIST: expected comma-separated tickers/],
    ["MARKET_TIMEZONE", "Mars/Olympus", /MARKET_TIMEZONE: expected an IANA time zone/],
    ["DAILY_REPORT_CRON", "every day", /DAILY_REPORT_CRON: expected a five-field cron expression/],
    ["DAILY_REPORT_CRON", "61 16 * * 1-5", /DAILY_REPORT_CRON: not a valid cron expression: minute 61 is out of range 0-59 \(got "61 16 \* \* 1-5"\)/],
    ["NEWS_INGEST_CRON", "*/5 24 * * *", /NEWS_INGEST_CRON: not a valid cron expression: hour 24 is out of range 0-23/],
    ["WEEKLY_REPORT_CRON", "0 18 * * 8", /WEEKLY_REPORT_CRON: not a valid cron expression: day of week 8 is out of range 0-7/],
    ["WEEKLY_REPORT_CRON", "0 18 * * 5-x", /WEEKLY_REPORT_CRON: not a valid cron expression: day of week "5-x"/],
    ["DAILY_REPORT_CRON", "0 12 30 2 *", /DAILY_REPORT_CRON: not a valid cron expression: .*day of month/i],
    ["DAILY_REPORT_CRON", "0 0 0 * * *", /DAILY_REPORT_CRON: expected a five-field cron expression/],
    ["FOUR_EYES", "maybe", /FOUR_EYES: /],
    ["OVERRIDE_CODE_HASH", "1234", /OVERRIDE_CODE_HASH: expected the output of `npm run override:hash`/],
    ["API_TOKEN", "short", /API_TOKEN: expected at least 24 characters/],
    ["SHADOW_STARTING_CAPITAL", "1e5", /SHADOW_STARTING_CAPITAL: expected an amount in dollars/],
    ["KIS_ACCOUNT_NO", "123", /KIS_ACCOUNT_NO: expected the 8-digit account number/],
  ])("names %s when it is %j", (variable, value, pattern) => {
    const error = issuesFor({ [variable]: value });
    expect(error.issues.map((i) => i.variable)).toEqual([variable]);
    expect(error.message).toMatch(pattern);
  });

  it("takes the cron forms BullMQ runs: steps, ranges, lists, day names", () => {
    const config = loadConfig({ NEWS_INGEST_CRON: "*/10 9-16 * * 1-5", DAILY_REPORT_CRON: "15 16 * * MON-FRI", WEEKLY_REPORT_CRON: "0 18 * * 0,6" });
    expect(config.schedules).toMatchObject({ newsIngestCron: "*/10 9-16 * * 1-5", dailyReportCron: "15 16 * * MON-FRI", weeklyReportCron: "0 18 * * 0,6" });
  });

  it("takes one-off market closures as dates and names a bad one", () => {
    expect(loadConfig({ MARKET_CLOSURES: "2031-03-04, 2031-03-05" }).risk.marketClosures).toEqual(["2031-03-04", "2031-03-05"]);
    expect(issuesFor({ MARKET_CLOSURES: "2031-02-30" }).message).toMatch(/MARKET_CLOSURES.*"2031-02-30" is not one/s);
  });

  it("reports every bad variable at once, not only the first", () => {
    const error = issuesFor({ KS_DAILY_LOSS_PCT: "x", HTTP_PORT: "-1", LOG_LEVEL: "loud" });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(["HTTP_PORT", "KS_DAILY_LOSS_PCT", "LOG_LEVEL"]);
  });

  it("echoes ordinary values but never a secret's", () => {
    expect(issuesFor({ KS_DAILY_LOSS_PCT: "abc" }).message).toContain('(got "abc")');
    const secret = "not-a-real-token-but-secret";
    const error = issuesFor({ TELEGRAM_BOT_TOKEN: secret, API_TOKEN: "tiny-secret" });
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain("tiny-secret");
  });

  it("checks settings that only make sense together", () => {
    expect(issuesFor({ TELEGRAM_MODE: "webhook" }).issues.map((i) => i.variable).sort()).toEqual([
      "TELEGRAM_BOT_TOKEN",
      "TELEGRAM_WEBHOOK_SECRET",
      "TELEGRAM_WEBHOOK_URL",
    ]);
    expect(issuesFor({ KIS_APP_KEY: "key" }).issues.map((i) => i.variable).sort()).toEqual(["KIS_ACCOUNT_NO", "KIS_APP_SECRET"]);
    expect(issuesFor({ LLM_API_KEY: "k" }).issues[0]?.variable).toBe("LLM_BASE_URL");
    // The War Room's position cap must sit under the concentration halt line.
    const cap = issuesFor({ WARROOM_MAX_POSITION_PCT: "30" }).issues;
    expect(cap.map((i) => [i.variable, i.message])).toEqual([["WARROOM_MAX_POSITION_PCT", expect.stringContaining("must be below KS_CONCENTRATION_PCT (30)")]]);
    expect(loadConfig({ WARROOM_MAX_POSITION_PCT: "25", KS_CONCENTRATION_PCT: "40" }).warroom.maxPositionPct).toBe(25);
    expect(loadConfig({}).warroom.maxPositionPct).toBe(20);
  });

  it("picks the market data: the replay in local mode, else the first provider with keys, else nothing", () => {
    const db = { DATABASE_URL: "postgres://u:p@db/warroom" };
    const kis = { KIS_APP_KEY: "k", KIS_APP_SECRET: "s", KIS_ACCOUNT_NO: "12345678" };
    const alpaca = { ALPACA_KEY_ID: "id", ALPACA_SECRET_KEY: "secret" };
    expect(loadConfig({}).marketData.provider).toBe("replay");
    expect(loadConfig({ ...alpaca }).marketData.provider).toBe("replay"); // local mode never streams unasked
    expect(loadConfig(db).marketData.provider).toBe("none");
    expect(loadConfig({ ...db, ...kis }).marketData.provider).toBe("kis");
    expect(loadConfig({ ...db, ...kis, ...alpaca }).marketData.provider).toBe("alpaca");
    expect(loadConfig({ ...db, ...alpaca, MARKET_DATA: "kis", ...kis }).marketData.provider).toBe("kis");
    expect(loadConfig({ ...db, ...alpaca, ALPACA_FEED: "sip" }).marketData.alpaca).toMatchObject({ feed: "sip", streamUrl: "wss://stream.data.alpaca.markets" });
  });

  it("names the keys a chosen provider lacks, and never echoes an Alpaca secret", () => {
    expect(issuesFor({ MARKET_DATA: "alpaca" }).issues.map((i) => i.variable).sort()).toEqual(["ALPACA_KEY_ID", "ALPACA_SECRET_KEY"]);
    expect(issuesFor({ MARKET_DATA: "kis" }).issues.map((i) => i.variable)).toEqual(["KIS_APP_KEY"]);
    const half = issuesFor({ ALPACA_SECRET_KEY: "alpaca-secret-value" });
    expect(half.issues).toEqual([{ variable: "ALPACA_KEY_ID", message: "set ALPACA_KEY_ID and ALPACA_SECRET_KEY together" }]);
    expect(half.message).not.toContain("alpaca-secret-value");
    expect(issuesFor({ ALPACA_STREAM_URL: "http://not-a-socket" }).issues.map((i) => i.variable)).toEqual(["ALPACA_STREAM_URL"]);
  });

  it("refuses a user listed under two roles instead of picking one", () => {
    const error = issuesFor({ ADMIN_IDS: "7", VIEWER_IDS: "7" });
    expect(error.issues).toEqual([{ variable: "VIEWER_IDS", message: "user 7 is already listed as admin; give each user exactly one role" }]);
  });
});

describe("loadConfig with empty values", () => {
  it("treats VAR= as unset, so the default applies", () => {
    const config = loadConfig({ KS_DAILY_LOSS_PCT: "", FOUR_EYES: " ", DATABASE_URL: "", DATA_DIR: "" });
    expect(config.risk.dailyLossPct).toBe(5);
    expect(config.risk.fourEyes).toBe(false);
    expect(config.database.url).toBeUndefined();
    expect(config.dataDir).toBe("./data");
  });
});
