import type { Redis } from "ioredis";
import type { Logger } from "../../../logger.js";
import { type KisEnv, KIS_HOSTS } from "../../broker/kis/environments.js";
import { KisHttp } from "../../broker/kis/http.js";
import { type KisPacer, RedisKisPacer } from "../../broker/kis/pacer.js";
import { TokenCache } from "../../broker/kis/token-cache.js";

export interface KisMarketDataHttpOptions {
  env: KisEnv;
  appKey: string;
  appSecret: string;
  /** The environment's host by default (KIS_BASE_URL overrides it, like the broker's). */
  baseUrl?: string;
  redis: Redis;
  /** The same prefix as KisBroker's `redisPrefix`: then the broker and the market data share one token. */
  redisPrefix?: string;
  /** Shared pacing; a RedisKisPacer on `redis` by default. Give the broker the same one. */
  pacer?: KisPacer;
  timeoutMs?: number;
  log?: Pick<Logger, "warn" | "info">;
}

/**
 * The KisHttp the poller and the history use: the token from the TokenCache every process shares
 * (one issuance a minute per app key at most), requests on the schedule every process shares.
 */
export function kisMarketDataHttp(o: KisMarketDataHttpOptions): KisHttp {
  const baseUrl = o.baseUrl ?? KIS_HOSTS[o.env];
  const tokens = new TokenCache({ redis: o.redis, prefix: o.redisPrefix, env: o.env, baseUrl, appKey: o.appKey, appSecret: o.appSecret, timeoutMs: o.timeoutMs });
  const pacer = o.pacer ?? new RedisKisPacer({ redis: o.redis, prefix: o.redisPrefix, log: o.log });
  return new KisHttp({ env: o.env, baseUrl, appKey: o.appKey, appSecret: o.appSecret, tokens, pacer, timeoutMs: o.timeoutMs });
}
