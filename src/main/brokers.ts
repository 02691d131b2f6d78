import type { Redis } from "ioredis";
import { KisBroker } from "../adapters/broker/kis/kis-broker.js";
import { RedisKisPacer } from "../adapters/broker/kis/pacer.js";
import { UnavailableBroker } from "../adapters/broker/unavailable-broker.js";
import { AccountRepository } from "../adapters/db/repositories/account-repository.js";
import type { Broker } from "../app/ports/broker.js";
import type { Config } from "../config/load.js";
import type { DataSource } from "typeorm";

/** Where KIS's shared token and pacing live in Redis (the broker, market data and kis:check agree on it). */
export const KIS_REDIS_PREFIX = "wr:kis:";

/** The KIS broker when its keys are configured and Redis (the shared token) is there. */
export function kisBroker(config: Config, redis: Redis | undefined): Broker {
  const kis = config.broker.kis;
  const missing = [!kis.appKey && "KIS_APP_KEY", !kis.appSecret && "KIS_APP_SECRET", !kis.accountNo && "KIS_ACCOUNT_NO", !redis && "Redis"].filter(Boolean);
  if (missing.length > 0) return new UnavailableBroker("kis", `KIS is not configured in this process (missing ${missing.join(", ")}): nothing was sent`);
  return new KisBroker({
    env: kis.env, appKey: kis.appKey!, appSecret: kis.appSecret!, accountNo: kis.accountNo!, accountProductCode: kis.accountProductCode,
    redis: redis!, redisPrefix: KIS_REDIS_PREFIX, ...(kis.baseUrl ? { baseUrl: kis.baseUrl } : {}),
    // Orders and market data share one schedule per app key across processes, so quotes never push an order into EGW00201.
    pacer: new RedisKisPacer({ redis: redis!, prefix: KIS_REDIS_PREFIX }),
  });
}

/**
 * Each account's orders go to its own broker: paper accounts to the paper broker, KIS accounts
 * to KIS. An account whose broker cannot be read gets nothing sent (its orders are rejected).
 */
export function brokersByAccount(dataSource: DataSource, paper: Broker, kis: Broker): { forAccount(accountId: string): Promise<Broker> } {
  const accounts = new AccountRepository(dataSource);
  return {
    async forAccount(accountId) {
      const broker = await accounts.brokerOf(accountId);
      if (broker === "paper") return paper;
      if (broker === "kis") return kis;
      return new UnavailableBroker("paper", `account ${accountId} has no known broker: nothing was sent`);
    },
  };
}
