import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendError } from "./errors.js";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Guards the kill-switch API with `Authorization: Bearer <API_TOKEN>`. Runs as an onRequest
 * hook, before the body is read or validated, so an unauthenticated caller learns nothing about
 * the schemas. Both sides are hashed to SHA-256 before timingSafeEqual, so neither the token's
 * content nor its length shows in the timing. Without API_TOKEN every call is refused with 503:
 * the API fails closed rather than open.
 */
export function bearerAuth(apiToken: string | undefined): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  const expected = apiToken ? digest(apiToken) : undefined;
  // A callback hook that sends a reply (and does not call done) ends the request there.
  return (request, reply, done) => {
    if (!expected) {
      sendError(reply, 503, "api_disabled", "set API_TOKEN to enable the kill-switch API");
      return;
    }
    const header = request.headers.authorization;
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (token && timingSafeEqual(digest(token), expected)) {
      done();
      return;
    }
    request.log.warn({ reason: header ? "invalid token" : "missing token" }, "kill-switch API request refused");
    reply.header("www-authenticate", 'Bearer realm="war-room"');
    sendError(reply, 401, "unauthorized", header ? "invalid bearer token" : "missing bearer token: send Authorization: Bearer <API_TOKEN>");
  };
}
