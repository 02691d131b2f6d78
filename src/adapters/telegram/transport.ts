import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Api, type ApiClientOptions, type RawApi } from "grammy";
import { fitMessages } from "./fit-messages.js";

export interface TransportOptions {
  apiRoot: string;
  /** Replaces the HTTP client (tests record calls here). */
  fetch?: ApiClientOptions["fetch"];
  /**
   * Throttle outgoing calls to Telegram's limits (about 30/s overall, 1/s per chat). Off only
   * where nothing reaches Telegram (tests, benchmarks, the local emulator).
   */
  throttle: boolean;
}

export function clientOptions(options: TransportOptions): ApiClientOptions {
  return { apiRoot: options.apiRoot, ...(options.fetch ? { fetch: options.fetch } : {}) };
}

/**
 * Retries on 429 (after Telegram's retry_after) and on 5xx/network errors, a bounded number of
 * times: an alert is worth waiting a little for, but not forever.
 */
export function installTransformers(api: Api<RawApi>, options: TransportOptions): void {
  if (options.throttle) api.config.use(apiThrottler());
  api.config.use(retryTransformer());
  // Installed last, so it runs first: each part of a split message is throttled and retried on its own.
  api.config.use(fitMessages());
}

export function retryTransformer() {
  return autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 });
}

/** An Api for pushes from outside an update (alerts, proposals posted by the worker). */
export function createPushApi(token: string, options: TransportOptions): Api {
  const api = new Api(token, clientOptions(options));
  installTransformers(api, options);
  return api;
}
