import { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { KisBroker } from "../adapters/broker/kis/kis-broker.js";
import { createDataSource } from "../adapters/db/data-source.js";
import { DeskReaderRepository } from "../adapters/db/repositories/desk-reader-repository.js";
import { LivePrepRepository } from "../adapters/db/repositories/live-prep-repository.js";
import { runBrokerCheck, type BrokerCheckDeps } from "../app/accounts/broker-check.js";
import { systemClock } from "../app/ports/clock.js";
import { ConfigError, loadConfig } from "../config/load.js";
import { KIS_REDIS_PREFIX } from "./brokers.js";
import { kisProbe, maskBrokerAccount } from "./going-live.js";

/**
 * `npm run kis:check [-- TICKER]`: before phase micro, a read-only look at KIS with the keys in
 * the environment: what is misconfigured, then a token, a quote, the positions and the USD
 * cash. It places and cancels nothing, and never prints a key, secret or token. With
 * DATABASE_URL set it also reconciles the broker with the desk's book and records both as
 * live-prep evidence (the checklist /phase shows); without one it only looks.
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
  out(`✓ keys present for ${kis.env}; account ${maskBrokerAccount(kis.accountNo!, kis.accountProductCode)}`);
  const redis = new Redis(config.redis.url!, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const ticker = (process.argv[2] ?? "NKE").toUpperCase();
  let dataSource: DataSource | undefined;
  try {
    await redis.connect();
    const broker = new KisBroker({
      env: kis.env, appKey: kis.appKey!, appSecret: kis.appSecret!, accountNo: kis.accountNo!, accountProductCode: kis.accountProductCode,
      redis, redisPrefix: KIS_REDIS_PREFIX, ...(kis.baseUrl ? { baseUrl: kis.baseUrl } : {}),
    });
    const deps: BrokerCheckDeps = { probe: kisProbe(broker, kis.env), clock: systemClock };
    if (config.database.url) {
      dataSource = createDataSource({ url: config.database.url, poolSize: 2, applicationName: "kis-check" });
      try {
        await dataSource.initialize();
        deps.desk = { store: new LivePrepRepository(dataSource), reader: new DeskReaderRepository(dataSource) };
      } catch (error) {
        out(`✗ PostgreSQL (DATABASE_URL) unreachable, nothing will be recorded: ${(error as Error).message}`);
        dataSource = undefined;
      }
    }
    const result = await runBrokerCheck(deps, { actor: "cli:kis-check", ticker }).catch((error: unknown) => {
      // The broker was read; only recording it failed (e.g. a database the desk never migrated).
      out(`✗ could not record the evidence: ${(error as Error).message}`);
      return undefined;
    });
    if (!result) return 1;
    for (const step of result.steps) out(`${step.ok ? "✓" : "✗"} ${step.name}: ${step.text}`);
    if (result.reconciliation) out(`${result.reconciliation.passed ? "✓" : "✗"} reconciled with the desk: ${result.reconciliation.summary}`);
    if (result.recorded) out("Recorded as live-prep evidence (/phase shows the checklist).");
    out(result.passed ? "KIS looks ready." : "The check failed: fix it before phase micro.");
    return result.passed ? 0 : 1;
  } finally {
    redis.disconnect();
    await dataSource?.destroy().catch(() => undefined);
  }
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`kis:check failed: ${(error as Error).message}\n`);
  process.exit(1);
});
