import { envSchema, SECRET_VARIABLES, type Env } from "./schema.js";

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Start-up stops on this; its message names every bad variable and what it expects. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      "Invalid configuration:\n" +
        issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n") +
        "\nSee .env.example for every variable and its default.",
    );
    this.name = "ConfigError";
  }
}

import type { Role } from "../domain/vocabulary.js";
export type { Role };

export interface Config {
  env: Env["NODE_ENV"];
  logLevel: Env["LOG_LEVEL"];
  dataDir: string;
  database: { url: string | undefined; poolSize: number; localPort: number };
  redis: { url: string | undefined; localPort: number; autoInstall: boolean };
  telegram: {
    token: string | undefined;
    apiRoot: string;
    mode: Env["TELEGRAM_MODE"];
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
  };
  /** Telegram user id -> role, from ADMIN_IDS, TRADER_IDS and VIEWER_IDS. */
  operators: Map<number, Role>;
  risk: {
    dailyLossPct: number;
    maxDrawdownPct: number;
    apiErrorCount: number;
    concentrationPct: number;
    staleDataSeconds: number;
    dailyTradeLimit: number;
    priceCollarPct: number;
    defaultStopLossPct: number;
    nearStopPct: number;
    approvalExpiryMinutes: number;
    fourEyes: boolean;
    shadowRequiresApproval: boolean;
    /** Promotion to micro or small needs a second admin. */
    promotionFourEyes: boolean;
    promotionExpiryMinutes: number;
    liveAccountName: string;
    /** The tracking-error gate a live account passes to leave micro. */
    trackingErrorMaxBps: number;
    trackingMinPairs: number;
    resumeMaxAttempts: number;
    resumeLockoutMinutes: number;
    overrideCodeHash: string | undefined;
    marketTimezone: string;
    marketClosures: string[];
  };
  schedules: {
    triggerCheckEverySeconds: number;
    stopLossScanEverySeconds: number;
    pricePollEverySeconds: number;
    watchdogEverySeconds: number;
    newsIngestCron: string;
    dailyReportCron: string;
    weeklyReportCron: string;
  };
  broker: {
    shadowStartingCapital: string;
    paperSlippageBps: number;
    paperCommissionPerOrder: string;
    kis: {
      env: Env["KIS_ENV"];
      appKey: string | undefined;
      appSecret: string | undefined;
      accountNo: string | undefined;
      accountProductCode: string;
      baseUrl: string | undefined;
    };
  };
  http: { host: string; port: number; apiToken: string | undefined; metricsToken: string | undefined };
  /**
   * `watchlistNames` holds "TICKER:Name|Alias" entries (WATCHLIST_NAMES); the tagging watchlist is
   * `parseWatchlist([...watchlist, ...watchlistNames])` from src/domain/news-tagging.ts.
   */
  news: { feeds: string[]; watchlist: string[]; watchlistNames: string[] };
  /** Where prices come from: nothing (imports only), the demo replay, KIS or Alpaca. */
  marketData: {
    provider: MarketDataChoice;
    replayTickers: string[];
    replayStart: string;
    replaySecondsPerDay: number;
    backfillDays: number;
    silenceSeconds: number;
    alpaca: { keyId: string | undefined; secretKey: string | undefined; feed: Env["ALPACA_FEED"]; dataUrl: string; streamUrl: string };
    kis: { stream: Env["KIS_STREAM"]; wsUrl: string | undefined };
  };
  llm: { baseUrl: string | undefined; apiKey: string | undefined; model: string; timeoutMs: number };
  warroom: { deadlineMs: number; signalAlertConfidence: number; maxPositionPct: number };
  cache: { ttlSeconds: number; maxEntries: number };
}

/**
 * Parses the environment once. Throws ConfigError listing every problem (not just the first),
 * so an operator fixes the whole file in one go.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  // `FOO=` (as a copied .env.example leaves it) means "not set": the default applies.
  const source = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? "(environment)");
        const raw = source[variable];
        // Echo the offending value to help the operator, except for secrets.
        const shown = raw !== undefined && !SECRET_VARIABLES.has(variable) ? ` (got "${truncate(raw)}")` : "";
        const message = issue.code === "invalid_value" || issue.code === "invalid_type" ? describeExpected(variable, issue.message) : issue.message;
        return { variable, message: message + shown };
      }),
    );
  }
  const e = parsed.data;
  const issues = crossFieldIssues(e);
  const operators = buildOperators(e, issues);
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, localPort: e.LOCAL_PG_PORT },
    redis: { url: e.REDIS_URL, localPort: e.LOCAL_REDIS_PORT, autoInstall: e.AUTO_INSTALL_REDIS },
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT,
      mode: e.TELEGRAM_MODE,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    },
    operators,
    risk: {
      dailyLossPct: e.KS_DAILY_LOSS_PCT,
      maxDrawdownPct: e.KS_MAX_DRAWDOWN_PCT,
      apiErrorCount: e.KS_API_ERROR_COUNT,
      concentrationPct: e.KS_CONCENTRATION_PCT,
      staleDataSeconds: e.KS_STALE_DATA_SECONDS,
      dailyTradeLimit: e.KS_DAILY_TRADE_LIMIT,
      priceCollarPct: e.PRICE_COLLAR_PCT,
      defaultStopLossPct: e.DEFAULT_STOP_LOSS_PCT,
      nearStopPct: e.NEAR_STOP_PCT,
      approvalExpiryMinutes: e.APPROVAL_EXPIRY_MINUTES,
      fourEyes: e.FOUR_EYES,
      shadowRequiresApproval: e.SHADOW_REQUIRES_APPROVAL,
      promotionFourEyes: e.PROMOTION_FOUR_EYES,
      promotionExpiryMinutes: e.PROMOTION_EXPIRY_MINUTES,
      liveAccountName: e.LIVE_ACCOUNT_NAME,
      trackingErrorMaxBps: e.TRACKING_ERROR_MAX_BPS,
      trackingMinPairs: e.TRACKING_MIN_PAIRS,
      resumeMaxAttempts: e.RESUME_MAX_ATTEMPTS,
      resumeLockoutMinutes: e.RESUME_LOCKOUT_MINUTES,
      overrideCodeHash: e.OVERRIDE_CODE_HASH,
      marketTimezone: e.MARKET_TIMEZONE,
      marketClosures: e.MARKET_CLOSURES,
    },
    schedules: {
      triggerCheckEverySeconds: e.TRIGGER_CHECK_EVERY_SECONDS,
      stopLossScanEverySeconds: e.STOP_LOSS_SCAN_EVERY_SECONDS,
      pricePollEverySeconds: e.PRICE_POLL_EVERY_SECONDS,
      watchdogEverySeconds: e.WATCHDOG_EVERY_SECONDS,
      newsIngestCron: e.NEWS_INGEST_CRON,
      dailyReportCron: e.DAILY_REPORT_CRON,
      weeklyReportCron: e.WEEKLY_REPORT_CRON,
    },
    broker: {
      shadowStartingCapital: e.SHADOW_STARTING_CAPITAL,
      paperSlippageBps: e.PAPER_SLIPPAGE_BPS,
      paperCommissionPerOrder: e.PAPER_COMMISSION_PER_ORDER,
      kis: {
        env: e.KIS_ENV,
        appKey: e.KIS_APP_KEY,
        appSecret: e.KIS_APP_SECRET,
        accountNo: e.KIS_ACCOUNT_NO,
        accountProductCode: e.KIS_ACCOUNT_PRODUCT_CODE,
        baseUrl: e.KIS_BASE_URL,
      },
    },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, apiToken: e.API_TOKEN, metricsToken: e.METRICS_TOKEN },
    news: { feeds: e.NEWS_FEEDS, watchlist: e.WATCHLIST, watchlistNames: e.WATCHLIST_NAMES },
    marketData: {
      provider: chooseMarketData(e),
      replayTickers: e.REPLAY_TICKERS.length > 0 ? e.REPLAY_TICKERS : ["NVDA", "ORCL"],
      replayStart: e.REPLAY_START,
      replaySecondsPerDay: e.REPLAY_SECONDS_PER_DAY,
      backfillDays: e.MARKET_BACKFILL_DAYS,
      silenceSeconds: e.FEED_SILENCE_SECONDS,
      alpaca: { keyId: e.ALPACA_KEY_ID, secretKey: e.ALPACA_SECRET_KEY, feed: e.ALPACA_FEED, dataUrl: e.ALPACA_DATA_URL, streamUrl: e.ALPACA_STREAM_URL },
      kis: { stream: e.KIS_STREAM, wsUrl: e.KIS_WS_URL },
    },
    llm: { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS },
    warroom: { deadlineMs: e.WARROOM_DEADLINE_MS, signalAlertConfidence: e.SIGNAL_ALERT_CONFIDENCE, maxPositionPct: e.WARROOM_MAX_POSITION_PCT },
    cache: { ttlSeconds: e.CACHE_TTL_SECONDS, maxEntries: e.CACHE_MAX_ENTRIES },
  };
}

function crossFieldIssues(e: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (e.TELEGRAM_MODE === "webhook") {
    if (!e.TELEGRAM_BOT_TOKEN) issues.push({ variable: "TELEGRAM_BOT_TOKEN", message: "required when TELEGRAM_MODE=webhook" });
    if (!e.TELEGRAM_WEBHOOK_URL) issues.push({ variable: "TELEGRAM_WEBHOOK_URL", message: "required when TELEGRAM_MODE=webhook" });
    if (!e.TELEGRAM_WEBHOOK_SECRET) issues.push({ variable: "TELEGRAM_WEBHOOK_SECRET", message: "required when TELEGRAM_MODE=webhook" });
  }
  if (e.WARROOM_MAX_POSITION_PCT >= e.KS_CONCENTRATION_PCT) {
    issues.push({ variable: "WARROOM_MAX_POSITION_PCT", message: `must be below KS_CONCENTRATION_PCT (${e.KS_CONCENTRATION_PCT}): a position built to the concentration line halts the account on its first gain` });
  }
  const kis = { KIS_APP_KEY: e.KIS_APP_KEY, KIS_APP_SECRET: e.KIS_APP_SECRET, KIS_ACCOUNT_NO: e.KIS_ACCOUNT_NO };
  if (Object.values(kis).some(Boolean)) {
    for (const [name, value] of Object.entries(kis)) {
      if (!value) issues.push({ variable: name, message: "required when any KIS credential is set (KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT_NO)" });
    }
  }
  if (e.MARKET_DATA === "alpaca") {
    for (const name of ["ALPACA_KEY_ID", "ALPACA_SECRET_KEY"] as const) if (!e[name]) issues.push({ variable: name, message: "required when MARKET_DATA=alpaca (free keys: see README, Market data)" });
  }
  if (e.MARKET_DATA === "kis" && !e.KIS_APP_KEY) issues.push({ variable: "KIS_APP_KEY", message: "required when MARKET_DATA=kis (with KIS_APP_SECRET and KIS_ACCOUNT_NO)" });
  if (Boolean(e.ALPACA_KEY_ID) !== Boolean(e.ALPACA_SECRET_KEY)) {
    issues.push({ variable: e.ALPACA_KEY_ID ? "ALPACA_SECRET_KEY" : "ALPACA_KEY_ID", message: "set ALPACA_KEY_ID and ALPACA_SECRET_KEY together" });
  }
  if (e.LLM_API_KEY && !e.LLM_BASE_URL) {
    issues.push({ variable: "LLM_BASE_URL", message: "required when LLM_API_KEY is set" });
  }
  return issues;
}

function buildOperators(e: Env, issues: ConfigIssue[]): Map<number, Role> {
  const operators = new Map<number, Role>();
  const lists: [string, number[], Role][] = [
    ["ADMIN_IDS", e.ADMIN_IDS, "admin"],
    ["TRADER_IDS", e.TRADER_IDS, "trader"],
    ["VIEWER_IDS", e.VIEWER_IDS, "viewer"],
  ];
  for (const [variable, ids, role] of lists) {
    for (const id of ids) {
      const existing = operators.get(id);
      if (existing) {
        // Ambiguous roles are refused rather than resolved silently: fail closed.
        issues.push({ variable, message: `user ${id} is already listed as ${existing}; give each user exactly one role` });
      } else {
        operators.set(id, role);
      }
    }
  }
  return operators;
}

function describeExpected(variable: string, fallback: string): string {
  const description = envSchema.shape[variable as keyof typeof envSchema.shape]?.description;
  return description ? `${fallback}; expected ${description}` : fallback;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}

export type MarketDataChoice = "none" | "replay" | "kis" | "alpaca";

/**
 * MARKET_DATA=auto: replayed demo prices in local mode (never written into a configured, real
 * database unless asked), else the first provider whose keys are set, else nothing.
 */
function chooseMarketData(e: Env): MarketDataChoice {
  if (e.MARKET_DATA !== "auto") return e.MARKET_DATA;
  if (!e.DATABASE_URL) return "replay";
  if (e.ALPACA_KEY_ID && e.ALPACA_SECRET_KEY) return "alpaca";
  if (e.KIS_APP_KEY) return "kis";
  return "none";
}
