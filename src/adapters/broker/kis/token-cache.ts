import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { type KisEnv, KIS_PATHS } from "./environments.js";
import { KisError, refusal, unclear } from "./errors.js";

export interface TokenCacheOptions {
  redis: Redis;
  /** Prefix for the Redis keys (e.g. "warroom:"). */
  prefix?: string;
  env: KisEnv;
  baseUrl: string;
  appKey: string;
  appSecret: string;
  /** Refresh this long before expiry (default 10 minutes). */
  refreshEarlyMs?: number;
  /** How long a process waits for another process's issuance (default 70 s). */
  waitMs?: number;
  timeoutMs?: number;
  /** At most one issuance per this interval per (env, app key) (default 60 s, KIS's limit). */
  issueIntervalMs?: number;
  now?: () => number;
}

interface Stored {
  token: string;
  expiresAt: number;
}

const ISSUE_INTERVAL_MS = 60_000;

/**
 * The access token of one (environment, app key), shared by every process through Redis.
 * Redis keys are named from a hash of env + app key (never the key or secret themselves).
 * Issuance takes a Redis lock that is held for 60 s and not released early, so a token is
 * issued at most once a minute per (env, app key) across processes (KIS refuses more with
 * EGW00133); a process that does not get the lock waits for the other's token.
 */
export class TokenCache {
  private readonly tokenKey: string;
  private readonly lockKey: string;
  private readonly now: () => number;

  constructor(private readonly o: TokenCacheOptions) {
    const id = createHash("sha256").update(`${o.env}\u0000${o.appKey}`).digest("hex").slice(0, 32);
    this.tokenKey = `${o.prefix ?? ""}kis:token:${id}`;
    this.lockKey = `${o.prefix ?? ""}kis:token-lock:${id}`;
    this.now = o.now ?? Date.now;
  }

  /**
   * A usable token. `stale` is a token KIS just called expired (EGW00123): a different one is
   * returned, issued here or by another process.
   */
  async get(stale?: string): Promise<string> {
    const deadline = this.now() + (this.o.waitMs ?? 70_000);
    const early = this.o.refreshEarlyMs ?? 10 * 60_000;
    for (;;) {
      const cached = await this.read();
      const usable = cached && cached.token !== stale && cached.expiresAt > this.now();
      if (usable && cached.expiresAt - early > this.now()) return cached.token;
      if (await this.lock()) return this.issue();
      // Someone else issued within the last minute (or is issuing): a still-valid token is fine.
      if (usable) return cached.token;
      if (this.now() > deadline) throw new KisError("EGW00133", "no token: issuance locked by another process", "KIS: token issued too often (1/min)", true);
      await sleep(200);
    }
  }

  private async read(): Promise<Stored | undefined> {
    const raw = await this.o.redis.get(this.tokenKey);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Stored;
      return typeof parsed.token === "string" && typeof parsed.expiresAt === "number" ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private async lock(): Promise<boolean> {
    const ok = await this.o.redis.set(this.lockKey, randomBytes(8).toString("hex"), "PX", this.o.issueIntervalMs ?? ISSUE_INTERVAL_MS, "NX");
    return ok === "OK";
  }

  private async issue(): Promise<string> {
    let res: Response;
    try {
      res = await fetch(`${this.o.baseUrl}${KIS_PATHS.token}`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ grant_type: "client_credentials", appkey: this.o.appKey, appsecret: this.o.appSecret }),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw unclear("NETWORK", `token request failed: ${(e as Error).message}`);
    }
    const text = await res.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw unclear("BAD_RESPONSE", `token answer HTTP ${res.status} is not JSON`, res.status);
    }
    const token = body.access_token;
    if (!res.ok || typeof token !== "string" || token === "") {
      const code = text_(body.error_code) || text_(body.msg_cd) || `HTTP_${res.status}`;
      throw refusal(code, text_(body.error_description) || text_(body.msg1) || "token refused", res.status);
    }
    const expiresIn = Number(body.expires_in);
    const expiresAt = this.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 86_400) * 1000;
    await this.o.redis.set(this.tokenKey, JSON.stringify({ token, expiresAt } satisfies Stored), "PX", Math.max(1, expiresAt - this.now()));
    return token;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function text_(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}
