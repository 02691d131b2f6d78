import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendError } from "./errors.js";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Compares a presented token with API_TOKEN in constant time: both sides are hashed to SHA-256
 * before timingSafeEqual, so neither the token's content nor its length shows in the timing.
 * Undefined when no API_TOKEN is set (every caller must then refuse, never allow).
 */
export function tokenMatcher(apiToken: string | undefined): ((presented: string) => boolean) | undefined {
  if (!apiToken) return undefined;
  const expected = digest(apiToken);
  return (presented) => timingSafeEqual(digest(presented), expected);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}

/** What a guarded scope is called in refusals, and the setting that enables it. */
export interface GuardedScope {
  what: string;
  variable: string;
  code: string;
}

const KILL_SWITCH_API: GuardedScope = { what: "the kill-switch API", variable: "API_TOKEN", code: "api_disabled" };

/**
 * Guards a scope (by default the kill-switch API) with `Authorization: Bearer <token>`. Runs as
 * an onRequest hook, before the body is read or validated, so an unauthenticated caller learns
 * nothing about the schemas. The token is compared in constant time (tokenMatcher). Without a
 * token every call is refused with 503: the scope fails closed rather than open.
 */
export function bearerAuth(apiToken: string | undefined, scope: GuardedScope = KILL_SWITCH_API): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  const matches = tokenMatcher(apiToken);
  // A callback hook that sends a reply (and does not call done) ends the request there.
  return (request, reply, done) => {
    if (!matches) {
      sendError(reply, 503, scope.code, `set ${scope.variable} to enable ${scope.what}`);
      return;
    }
    const header = request.headers.authorization;
    const token = bearerToken(header);
    if (token && matches(token)) {
      done();
      return;
    }
    request.log.warn({ reason: header ? "invalid token" : "missing token" }, `${scope.what} request refused`);
    reply.header("www-authenticate", 'Bearer realm="war-room"');
    sendError(reply, 401, "unauthorized", header ? "invalid bearer token" : `missing bearer token: send Authorization: Bearer <${scope.variable.split(" ")[0]}>`);
  };
}
