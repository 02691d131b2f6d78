import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { parseWatchlist, WatchlistError } from "../domain/news-tagging.js";

/**
 * Every setting War Room reads from the environment, in one flat schema keyed by the variable's
 * own name, so that a validation error can always name the variable. `loadConfig` turns the
 * flat result into the nested `Config` the rest of the program uses.
 *
 * Each field's `describe()` text is what the user sees when the value is wrong: it says what is
 * expected, not what went wrong internally.
 */

const optionalString = (what: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .optional()
    .describe(what);

const percent = (fallback: number, what: string) =>
  z.coerce
    .number()
    .gt(0, { message: "expected a percentage greater than 0" })
    .lte(100, { message: "expected a percentage no greater than 100" })
    .default(fallback)
    .describe(what);

const positiveInt = (fallback: number, what: string, max = 1_000_000_000) =>
  z.coerce
    .number()
    .int({ message: "expected a whole number" })
    .positive({ message: "expected a whole number greater than 0" })
    .max(max, { message: `expected a whole number no greater than ${max}` })
    .default(fallback)
    .describe(what);

const port = (fallback: number, what: string) =>
  z.coerce
    .number()
    .int({ message: "expected a TCP port (a whole number)" })
    .min(0, { message: "expected a TCP port between 0 and 65535" })
    .max(65535, { message: "expected a TCP port between 0 and 65535" })
    .default(fallback)
    .describe(what);

const flag = (fallback: boolean, what: string) =>
  z
    .stringbool({ truthy: ["1", "true", "yes", "on"], falsy: ["0", "false", "no", "off"] })
    .default(fallback)
    .describe(what);

/** A comma-separated list of Telegram user ids (positive integers). */
const userIds = (what: string) =>
  z
    .string()
    .default("")
    .transform((raw, ctx) => {
      const ids: number[] = [];
      for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
        if (!/^[1-9]\d{0,15}$/.test(part)) {
          ctx.addIssue({ code: "custom", message: `expected comma-separated Telegram user ids, "${part}" is not one` });
          return z.NEVER;
        }
        ids.push(Number(part));
      }
      return ids;
    })
    .describe(what);

const urlList = (what: string) =>
  z
    .string()
    .default("")
    .transform((raw, ctx) => {
      const urls = raw.split(",").map((p) => p.trim()).filter(Boolean);
      for (const u of urls) {
        if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol)) {
          ctx.addIssue({ code: "custom", message: `expected comma-separated http(s) URLs, "${u}" is not one` });
          return z.NEVER;
        }
      }
      return urls;
    })
    .describe(what);

/** A comma-separated list of calendar dates (YYYY-MM-DD). */
const dateList = (what: string) =>
  z
    .string()
    .default("")
    .transform((raw, ctx) => {
      const dates = raw.split(",").map((p) => p.trim()).filter(Boolean);
      for (const d of dates) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d) {
          ctx.addIssue({ code: "custom", message: `expected comma-separated dates YYYY-MM-DD, "${d}" is not one` });
          return z.NEVER;
        }
      }
      return dates;
    })
    .describe(what);

const tickerList = (what: string) =>
  z
    .string()
    .default("")
    .transform((raw, ctx) => {
      const tickers = raw.split(",").map((p) => p.trim().toUpperCase()).filter(Boolean);
      for (const t of tickers) {
        if (!/^[A-Z][A-Z0-9.-]{0,9}$/.test(t)) {
          ctx.addIssue({ code: "custom", message: `expected comma-separated tickers, "${t}" is not one` });
          return z.NEVER;
        }
      }
      return tickers;
    })
    .describe(what);

/** "NVDA=Nvidia|NVIDIA Corp;ORCL=Oracle" -> ["NVDA:Nvidia|NVIDIA Corp", "ORCL:Oracle"], checked by parseWatchlist. */
const watchlistNames = (what: string) =>
  z
    .string()
    .default("")
    .transform((raw, ctx) => {
      try {
        return parseWatchlist(raw.split(";")).map((e) => `${e.ticker}:${e.names.join("|")}`);
      } catch (error) {
        if (!(error instanceof WatchlistError)) throw error;
        ctx.addIssue({ code: "custom", message: `expected TICKER=Name|Alias entries separated by ";", ${error.message}` });
        return z.NEVER;
      }
    })
    .describe(what);

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).describe(what);

const CRON_FIELDS = ["minute", "hour", "day of month", "month", "day of week"] as const;

/**
 * Why a five-field cron expression cannot run, or null when it can. cron-parser (the parser
 * BullMQ schedules with) is the judge, so what passes here also starts. Its messages do not say
 * which field is wrong, so each field is tried alone (the others "*") to name the one at fault;
 * a fault only the whole expression has (day 30 of February) keeps the parser's own words.
 */
function cronProblem(expression: string): string | null {
  try {
    CronExpressionParser.parse(expression);
    return null;
  } catch (error) {
    const fields = expression.split(/\s+/);
    for (const [index, field] of fields.entries()) {
      const alone = fields.map((f, i) => (i === index ? f : "*")).join(" ");
      try {
        CronExpressionParser.parse(alone);
      } catch (fieldError) {
        return `${CRON_FIELDS[index]} ${describeCronError(fieldError, field)}`;
      }
    }
    return describeCronError(error);
  }
}

/** "61 is out of range 0-59", or the parser's message after the field's value when there is one. */
function describeCronError(error: unknown, value?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const range = /got value (\S+) expected range (\d+-\d+)/.exec(message);
  if (range) return `${range[1]} is out of range ${range[2]}`;
  const reason = message.replace(/^(Constraint|Validation) error, /, "");
  return value === undefined ? reason : `"${value}": ${reason}`;
}

/**
 * Five fields (minute hour day-of-month month day-of-week), as README documents: cron-parser
 * would also take a sixth field of seconds first, which would shift every field's meaning.
 */
const cron = (fallback: string, what: string) =>
  z
    .string()
    .trim()
    .regex(/^(\S+\s+){4}\S+$/, { message: "expected a five-field cron expression, e.g. \"15 16 * * 1-5\"", abort: true })
    .superRefine((expression, ctx) => {
      const problem = cronProblem(expression);
      if (problem) ctx.addIssue({ code: "custom", message: `not a valid cron expression: ${problem}` });
    })
    .default(fallback)
    .describe(what);

export const envSchema = z.object({
  // Process
  NODE_ENV: z.enum(["development", "production", "test"]).default("development").describe("development, production or test"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino log level"),
  DATA_DIR: z.string().trim().min(1).default("./data").describe("directory for local-mode data (embedded PostgreSQL, Redis)"),

  // PostgreSQL
  DATABASE_URL: optionalString("postgres://user:password@host:port/database; unset starts embedded PostgreSQL").pipe(
    z.string().regex(/^postgres(ql)?:\/\//, { message: "expected a postgres:// or postgresql:// URL" }).optional(),
  ),
  DATABASE_POOL_SIZE: positiveInt(10, "connections in the pool", 200),
  LOCAL_PG_PORT: port(54329, "port for embedded PostgreSQL (0 picks a free port)"),

  // Redis
  REDIS_URL: optionalString("redis://host:port[/db]; unset spawns redis-server from PATH").pipe(
    z.string().regex(/^rediss?:\/\//, { message: "expected a redis:// or rediss:// URL" }).optional(),
  ),
  LOCAL_REDIS_PORT: port(63799, "port for the spawned redis-server (0 picks a free port)"),
  AUTO_INSTALL_REDIS: flag(true, "install Debian's redis-server package when missing (root on Debian only)"),

  // Telegram
  TELEGRAM_BOT_TOKEN: optionalString("bot token from @BotFather; unset runs local mode").pipe(
    z.string().regex(/^\d+:[\w-]{30,}$/, { message: "expected a bot token like 123456:ABC-DEF..." }).optional(),
  ),
  TELEGRAM_API_ROOT: httpUrl("Bot API root URL").default("https://api.telegram.org"),
  TELEGRAM_MODE: z.enum(["polling", "webhook"]).default("polling").describe("polling or webhook"),
  TELEGRAM_WEBHOOK_URL: optionalString("public https URL Telegram posts updates to (webhook mode)").pipe(
    z.url({ protocol: /^https$/, message: "expected an https URL" }).optional(),
  ),
  TELEGRAM_WEBHOOK_SECRET: optionalString("secret token Telegram sends with each webhook call").pipe(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, { message: "expected 16-256 characters of A-Z, a-z, 0-9, _ or -" }).optional(),
  ),
  ADMIN_IDS: userIds("Telegram user ids with the admin role"),
  TRADER_IDS: userIds("Telegram user ids with the trader role"),
  VIEWER_IDS: userIds("Telegram user ids with the viewer role"),

  // Kill switch and risk thresholds (DESIGN.md section 3)
  KS_DAILY_LOSS_PCT: percent(5, "halt when equity falls this % below start-of-day equity"),
  KS_MAX_DRAWDOWN_PCT: percent(10, "halt when equity falls this % below peak equity"),
  KS_API_ERROR_COUNT: positiveInt(3, "halt after this many consecutive broker API errors", 1000),
  KS_CONCENTRATION_PCT: percent(30, "halt/refuse when one position exceeds this % of equity"),
  KS_STALE_DATA_SECONDS: positiveInt(300, "halt when a held ticker's price is older than this in market hours", 86_400),
  KS_DAILY_TRADE_LIMIT: positiveInt(20, "executed orders allowed per trading day", 100_000),
  PRICE_COLLAR_PCT: percent(10, "a limit price must lie within this % of the last price"),
  DEFAULT_STOP_LOSS_PCT: percent(5, "default stop distance under entry for a long"),
  NEAR_STOP_PCT: percent(2, "a position this close to its stop (in % of the last price) shows as Near"),
  APPROVAL_EXPIRY_MINUTES: positiveInt(10, "minutes before a pending proposal expires", 24 * 60),
  FOUR_EYES: flag(false, "the requester may not approve their own proposal"),
  SHADOW_REQUIRES_APPROVAL: flag(true, "operator and War Room orders on shadow accounts wait for a trader's approval (live accounts always do)"),
  PROMOTION_FOUR_EYES: flag(true, "a promotion to a phase that trades real money (micro, small) waits for a second admin's approval"),
  PROMOTION_EXPIRY_MINUTES: positiveInt(60, "minutes a promotion waits for the second admin before it expires", 7 * 24 * 60),
  LIVE_ACCOUNT_NAME: z.string().trim().default("live").pipe(
    z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, { message: "expected 1-32 characters of a-z, 0-9 or -, starting with a letter" }),
  ).describe("name of the live account the promotion out of live-prep opens"),
  TRACKING_ERROR_MAX_BPS: positiveInt(50, "largest mean absolute slippage of live fills against their shadow twins (bps) that lets a live account leave micro", 10_000),
  TRACKING_MIN_PAIRS: positiveInt(10, "mirrored decisions filled on both sides needed before the tracking-error gate can pass", 10_000),
  RESUME_MAX_ATTEMPTS: positiveInt(3, "wrong override codes before resume locks", 100),
  RESUME_LOCKOUT_MINUTES: positiveInt(15, "minutes resume stays locked after too many wrong codes", 24 * 60),
  OVERRIDE_CODE_HASH: optionalString("scrypt hash of the override code (npm run override:hash)").pipe(
    z.string().regex(/^scrypt\$/, { message: "expected the output of `npm run override:hash` (starts with scrypt$)" }).optional(),
  ),
  MARKET_CLOSURES: dateList("one-off full-day closures the NYSE's rules cannot know (a national day of mourning), YYYY-MM-DD, comma-separated"),
  MARKET_TIMEZONE: z.string().trim().default("America/New_York").describe("IANA time zone of the exchange").refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: "expected an IANA time zone such as America/New_York" },
  ),

  // Schedules (DESIGN.md section 7)
  TRIGGER_CHECK_EVERY_SECONDS: positiveInt(30, "seconds between kill-switch trigger checks", 3600),
  STOP_LOSS_SCAN_EVERY_SECONDS: positiveInt(30, "seconds between stop-loss scans in market hours", 3600),
  PRICE_POLL_EVERY_SECONDS: positiveInt(60, "seconds between price polls in market hours", 3600),
  WATCHDOG_EVERY_SECONDS: positiveInt(15, "seconds between the watchdog's looks at PostgreSQL, Redis and the safety jobs (every process)", 300),
  MARKET_DATA: z
    .enum(["auto", "none", "replay", "kis", "alpaca"])
    .default("auto")
    .describe("auto, none, replay, kis or alpaca; auto replays demo data without DATABASE_URL (local mode), else uses Alpaca when its keys are set, else KIS when its keys are set, else nothing"),
  MARKET_BACKFILL_DAYS: positiveInt(250, "trading days of daily bars fetched for held and watched tickers at start and every day", 5000),
  FEED_SILENCE_SECONDS: positiveInt(60, "seconds without any message (trade or heartbeat) before a streaming feed is called down and reconnected", 3600),
  ALPACA_KEY_ID: optionalString("Alpaca API key id (market data only; a free account is enough for the IEX feed)"),
  ALPACA_SECRET_KEY: optionalString("Alpaca API secret key"),
  ALPACA_FEED: z.enum(["iex", "sip", "delayed_sip"]).default("iex").describe("Alpaca stock feed: iex (free), sip (paid subscription) or delayed_sip (15 minutes late)"),
  ALPACA_DATA_URL: z.string().trim().pipe(httpUrl("Alpaca data URL")).default("https://data.alpaca.markets").describe("Alpaca market-data REST host (daily bars)"),
  ALPACA_STREAM_URL: z
    .string()
    .trim()
    .pipe(z.url({ protocol: /^wss?$/, message: "expected a ws:// or wss:// URL" }))
    .default("wss://stream.data.alpaca.markets")
    .describe("Alpaca market-data WebSocket host; the feed's path (/v2/iex) is added"),
  KIS_STREAM: z.enum(["auto", "off"]).default("auto").describe("KIS real-time trade WebSocket: auto (on real accounts; paper polls quotes) or off"),
  KIS_WS_URL: optionalString("override of the KIS WebSocket host (a test double); unset uses KIS_ENV's").pipe(
    z.url({ protocol: /^wss?$/, message: "expected a ws:// or wss:// URL" }).optional(),
  ),
  REPLAY_TICKERS: tickerList("tickers the replay plays (demo/prices/<ticker>-daily.csv)"),
  REPLAY_START: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD").default("2008-09-02").describe("first trading day the replay plays"),
  REPLAY_SECONDS_PER_DAY: positiveInt(10, "wall-clock seconds per replayed trading day", 86_400),
  NEWS_INGEST_CRON: cron("*/5 * * * *", "cron for news ingestion"),
  DAILY_REPORT_CRON: cron("15 16 * * 1-5", "cron (market time zone) for the daily report"),
  WEEKLY_REPORT_CRON: cron("0 18 * * 0", "cron (market time zone) for the weekly report"),

  // Accounts and brokers
  SHADOW_STARTING_CAPITAL: z
    .string()
    .trim()
    .regex(/^\d{1,15}(\.\d{1,2})?$/, { message: "expected an amount in dollars, e.g. 100000 or 2500.50" })
    .default("100000")
    .describe("cash of the shadow account a new installation creates"),
  PAPER_SLIPPAGE_BPS: z.coerce.number().int().min(0).max(1000, { message: "expected 0-1000 basis points" }).default(5).describe("paper fills' slippage in basis points"),
  PAPER_COMMISSION_PER_ORDER: z
    .string()
    .trim()
    .regex(/^\d{1,6}(\.\d{1,4})?$/, { message: "expected an amount in dollars, e.g. 0 or 1.00" })
    .default("0")
    .describe("commission charged on each paper fill"),
  KIS_ENV: z.enum(["paper", "real"]).default("paper").describe("paper or real KIS environment"),
  KIS_APP_KEY: optionalString("KIS app key"),
  KIS_APP_SECRET: optionalString("KIS app secret"),
  KIS_ACCOUNT_NO: optionalString("KIS account number, 8 digits").pipe(
    z.string().regex(/^\d{8}$/, { message: "expected the 8-digit account number (CANO)" }).optional(),
  ),
  KIS_BASE_URL: optionalString("override of the KIS host (a gateway of your own, or a test double); unset uses KIS_ENV's host").pipe(httpUrl("KIS base URL").optional()),
  KIS_ACCOUNT_PRODUCT_CODE: z.string().trim().regex(/^\d{2}$/, { message: "expected 2 digits, usually 01" }).default("01").describe("KIS account product code (ACNT_PRDT_CD)"),

  // HTTP API
  HTTP_HOST: z.string().trim().default("127.0.0.1").describe("address the REST API listens on"),
  HTTP_PORT: port(8080, "port the REST API listens on (0 picks a free port)"),
  API_TOKEN: optionalString("bearer token for the kill-switch API and admin pages").pipe(
    z.string().min(24, { message: "expected at least 24 characters (use a random value)" }).optional(),
  ),
  METRICS_TOKEN: optionalString("bearer token for /metrics (unset: API_TOKEN's; neither set: /metrics answers 503)").pipe(
    z.string().min(24, { message: "expected at least 24 characters (use a random value)" }).optional(),
  ),

  // News, War Room, LLM
  NEWS_FEEDS: urlList("comma-separated RSS/Atom feed URLs"),
  WATCHLIST: tickerList("comma-separated tickers to tag news with and scan"),
  WATCHLIST_NAMES: watchlistNames("company names that tag news with a ticker, e.g. NVDA=Nvidia|NVIDIA Corp;ORCL=Oracle"),
  LLM_BASE_URL: optionalString("OpenAI-compatible endpoint for the optional LLM agent").pipe(
    z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).optional(),
  ),
  LLM_API_KEY: optionalString("API key for LLM_BASE_URL"),
  LLM_MODEL: z.string().trim().default("gpt-4o-mini").describe("model name for the LLM agent"),
  LLM_TIMEOUT_MS: positiveInt(1500, "milliseconds before the LLM agent abstains", 60_000),
  WARROOM_MAX_POSITION_PCT: percent(20, "the War Room builds a position up to this % of equity; below KS_CONCENTRATION_PCT, so a position bought to the cap can rise before the concentration trigger halts"),
  WARROOM_DEADLINE_MS: positiveInt(2000, "milliseconds a War Room session may take before a slow agent abstains", 60_000),
  SIGNAL_ALERT_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.7).describe("new signals at or above this confidence (0-1) are pushed to the traders"),

  // Read-mostly query cache (never used for safety state)
  CACHE_TTL_SECONDS: positiveInt(30, "seconds a cached read-mostly query stays fresh", 3600),
  CACHE_MAX_ENTRIES: positiveInt(10_000, "entries the query cache holds", 10_000_000),
});

export type Env = z.output<typeof envSchema>;

/** Variables whose values must never be echoed back, not even in a validation error. */
export const SECRET_VARIABLES = new Set([
  "DATABASE_URL",
  "REDIS_URL",
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_WEBHOOK_SECRET",
  "OVERRIDE_CODE_HASH",
  "KIS_APP_KEY",
  "KIS_APP_SECRET",
  "KIS_ACCOUNT_NO",
  "API_TOKEN",
  "METRICS_TOKEN",
  "LLM_API_KEY",
  "ALPACA_KEY_ID",
  "ALPACA_SECRET_KEY",
]);
