import { Redis } from "ioredis";
import { KisBroker } from "../adapters/broker/kis/kis-broker.js";
import { KisError } from "../adapters/broker/kis/errors.js";
import { ConfigError, loadConfig } from "../config/load.js";

/**
 * `npm run kis:check [-- TICKER]`: before phase micro, a read-only look at KIS with the keys in
 * the environment: what is misconfigured, then a token, a quote and the balance. It places and
 * cancels nothing, and never prints a key, secret or token.
 */
async function main(): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      out(`✗ configuration\n${error.message}`);
      return 1;
    }
    throw error;
  }
  const kis = config.broker.kis;
  out(`KIS environment: ${kis.env}${kis.baseUrl ? ` (host overridden by KIS_BASE_URL)` : ""}`);
  const missing = [!kis.appKey && "KIS_APP_KEY", !kis.appSecret && "KIS_APP_SECRET", !kis.accountNo && "KIS_ACCOUNT_NO", !config.redis.url && "REDIS_URL"].filter(Boolean);
  if (missing.length > 0) {
    out(`✗ missing: ${missing.join(", ")} (REDIS_URL holds the shared token; run beside the desk's Redis)`);
    return 1;
  }
  out(`✓ keys present for ${kis.env}; account ${kis.accountNo!.slice(0, 4)}****-${kis.accountProductCode}`);
  const redis = new Redis(config.redis.url!, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const ticker = (process.argv[2] ?? "NKE").toUpperCase();
  try {
    await redis.connect();
    const broker = new KisBroker({
      env: kis.env, appKey: kis.appKey!, appSecret: kis.appSecret!, accountNo: kis.accountNo!, accountProductCode: kis.accountProductCode,
      redis, redisPrefix: "wr:kis:", ...(kis.baseUrl ? { baseUrl: kis.baseUrl } : {}),
    });
    const steps: [string, () => Promise<string>][] = [
      [`token and quote ${ticker}`, async () => {
        const q = await broker.quote(ticker);
        return q ? `last ${q.price.toFixed(2)}` : "no price (is the ticker's exchange right?)";
      }],
      ["balance (NASD, NYSE, AMEX)", async () => {
        const held = await broker.positions();
        return held.length ? held.map((p) => `${p.ticker} ${p.quantity}`).join(", ") : "no position";
      }],
    ];
    let failed = 0;
    for (const [name, run] of steps) {
      try {
        out(`✓ ${name}: ${await run()}`);
      } catch (error) {
        failed += 1;
        out(`✗ ${name}: ${error instanceof KisError ? error.operatorText : error instanceof Error ? error.message : String(error)}`);
        // Without a token nothing else can answer: waiting for the next one allowed (1 a minute) helps nobody.
        break;
      }
    }
    out(failed === 0 ? "KIS looks ready." : `${failed} check(s) failed: fix them before phase micro.`);
    return failed === 0 ? 0 : 1;
  } finally {
    redis.disconnect();
  }
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`kis:check failed: ${(error as Error).message}\n`);
  process.exit(1);
});
