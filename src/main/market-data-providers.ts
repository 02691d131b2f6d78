import { AlpacaHistory } from "../adapters/market-data/alpaca/history.js";
import { AlpacaStream } from "../adapters/market-data/alpaca/stream.js";
import { KisExchanges } from "../adapters/market-data/kis/exchanges.js";
import { KisHistory } from "../adapters/market-data/kis/history.js";
import { kisMarketDataHttp } from "../adapters/market-data/kis/market-data-http.js";
import { KisQuotePoller } from "../adapters/market-data/kis/quote-poller.js";
import { KisStream } from "../adapters/market-data/kis/stream.js";
import { KIS_REDIS_PREFIX } from "./brokers.js";
import type { ProviderParts } from "./market-data.js";
import type { Runtime } from "./runtime.js";

/** The live providers (KIS, Alpaca), built from their named variables (validated by loadConfig). */
export function liveProvider(runtime: Runtime, followed: () => Promise<readonly string[]>): ProviderParts {
  const { marketData } = runtime.config;
  if (marketData.provider === "alpaca") return alpaca(runtime);
  if (marketData.provider === "kis") return kis(runtime, followed);
  throw new Error(`MARKET_DATA=${marketData.provider} is not a live provider`);
}

function alpaca(runtime: Runtime): ProviderParts {
  const { marketData, risk } = runtime.config;
  const a = marketData.alpaca;
  if (!a.keyId || !a.secretKey) throw new Error("MARKET_DATA=alpaca needs ALPACA_KEY_ID and ALPACA_SECRET_KEY");
  // The stream names its feed in every line itself.
  const log = runtime.log;
  return {
    name: `alpaca:${a.feed}`,
    stream: new AlpacaStream({ keyId: a.keyId, secretKey: a.secretKey, feed: a.feed, streamUrl: a.streamUrl, silenceMs: marketData.silenceSeconds * 1000, log }),
    history: new AlpacaHistory({ keyId: a.keyId, secretKey: a.secretKey, feed: a.feed, dataUrl: a.dataUrl, timeZone: risk.marketTimezone }),
  };
}

/**
 * KIS: quotes polled (HHDFS00000300) for every followed ticker on every account type, and on real
 * accounts the real-time trade WebSocket (HDFSCNT0) for up to 40 of them; the token and the
 * request budget are the broker's (Redis), so market data never pushes an order into EGW00201.
 */
function kis(runtime: Runtime, followed: () => Promise<readonly string[]>): ProviderParts {
  const { broker, marketData } = runtime.config;
  const k = broker.kis;
  if (!k.appKey || !k.appSecret) throw new Error("MARKET_DATA=kis needs KIS_APP_KEY and KIS_APP_SECRET");
  if (!runtime.redis) throw new Error("MARKET_DATA=kis needs Redis (the token and the request budget are shared through it)");
  const log = runtime.log.child({ feed: `kis:${k.env}` });
  const http = kisMarketDataHttp({ env: k.env, appKey: k.appKey, appSecret: k.appSecret, redis: runtime.redis, redisPrefix: KIS_REDIS_PREFIX, log, ...(k.baseUrl ? { baseUrl: k.baseUrl } : {}) });
  const exchanges = new KisExchanges();
  const streams = k.env === "real" && marketData.kis.stream === "auto";
  return {
    name: `kis:${k.env}`,
    poller: new KisQuotePoller({ http, env: k.env, followed, exchanges, log }),
    history: new KisHistory({ http, exchanges, log }),
    ...(streams
      ? {
          stream: new KisStream({
            env: k.env,
            appKey: k.appKey,
            appSecret: k.appSecret,
            silenceMs: marketData.silenceSeconds * 1000,
            exchanges,
            log,
            ...(k.baseUrl ? { baseUrl: k.baseUrl } : {}),
            ...(marketData.kis.wsUrl ? { wsUrl: marketData.kis.wsUrl } : {}),
          }),
        }
      : {}),
  };
}
