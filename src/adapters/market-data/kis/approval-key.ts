import { KIS_PATHS } from "../../broker/kis/environments.js";
import { KisError, refusal, unclear } from "../../broker/kis/errors.js";

export interface ApprovalKeyOptions {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  timeoutMs?: number;
  /** A key older than this is replaced before the next connection (default 23 h; the samples renew daily). */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * The WebSocket approval key (POST /oauth2/Approval with grant_type, appkey and secretkey — the
 * secret travels as `secretkey` here, not `appsecret`). It is kept in memory, issued once for
 * concurrent callers, renewed daily or when KIS rejects it, and never logged or put in an error.
 */
export class ApprovalKeys {
  private key: { value: string; issuedAt: number } | undefined;
  private issuing: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: ApprovalKeyOptions) {
    this.now = o.now ?? Date.now;
  }

  get(): Promise<string> {
    if (this.key && this.now() - this.key.issuedAt < (this.o.maxAgeMs ?? 23 * 3600_000)) return Promise.resolve(this.key.value);
    this.issuing ??= this.issue().finally(() => {
      this.issuing = undefined;
    });
    return this.issuing;
  }

  /** KIS said the key is not valid (any more): the next get() asks for a new one. */
  invalidate(): void {
    this.key = undefined;
  }

  private async issue(): Promise<string> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(new URL(KIS_PATHS.approval, this.o.baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ grant_type: "client_credentials", appkey: this.o.appKey, secretkey: this.o.appSecret }),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
      text = await res.text();
    } catch (error) {
      throw unclear("NETWORK", `approval key request failed: ${(error as Error).message}`);
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
    } catch {
      throw unclear("BAD_RESPONSE", `approval key answer HTTP ${res.status} is not JSON`, res.status);
    }
    const key = body.approval_key;
    if (res.ok && typeof key === "string" && key.trim() !== "") {
      this.key = { value: key, issuedAt: this.now() };
      return key;
    }
    const code = text_(body.error_code) || text_(body.msg_cd) || `HTTP_${res.status}`;
    const err = refusal(code, text_(body.error_description) || text_(body.msg1) || "approval key refused", res.status);
    throw new KisError(err.code, err.message, `KIS approval key: ${err.operatorText}`, err.retryable, false, res.status);
  }
}

function text_(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}
