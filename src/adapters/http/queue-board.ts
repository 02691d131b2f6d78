import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, tokenMatcher } from "./auth.js";
import { sendError } from "./errors.js";
import type { QueueSource } from "./queue-metrics.js";

export const QUEUE_BOARD_PATH = "/admin/queues";

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;
const CHALLENGE = 'Basic realm="War Room queues", charset="UTF-8"';

/** The password of an `Authorization: Basic` header; the user name is ignored. */
function basicPassword(header: string | undefined): string | undefined {
  const encoded = header ? BASIC.exec(header)?.[1] : undefined;
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * Authentication of the board: the browser loads the page, then its scripts, styles and API
 * calls, and none of them can carry a bearer header. HTTP Basic auth covers them all with no
 * state of ours: the browser asks once (any user name, API_TOKEN as the password) and sends the
 * credentials with every later request under /admin/queues. No token in URLs (history, proxy
 * logs, Referer), no cookie to issue, expire or protect. Scripts may send the API's
 * `Authorization: Bearer <API_TOKEN>` instead. Compared in constant time; without API_TOKEN
 * every request gets 503, like the kill-switch API. As with the API, serve it over TLS (a
 * reverse proxy) or on a private address only: Basic credentials are as readable as a bearer
 * token on the wire.
 */
function boardAuth(apiToken: string | undefined) {
  const matches = tokenMatcher(apiToken);
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (!matches) {
      sendError(reply, 503, "api_disabled", "set API_TOKEN to enable the queue board");
      return;
    }
    const header = request.headers.authorization;
    const token = bearerToken(header) ?? basicPassword(header);
    if (!token || !matches(token)) {
      request.log.warn({ reason: header ? "invalid credentials" : "missing credentials" }, "queue board request refused");
      reply.header("www-authenticate", CHALLENGE);
      sendError(reply, 401, "unauthorized", header ? "invalid credentials" : "sign in with any user name and API_TOKEN as the password");
      return;
    }
    // Read-only, and enforced here too: only GET (and HEAD) get past this point.
    if (request.method !== "GET" && request.method !== "HEAD") {
      reply.header("allow", "GET, HEAD");
      sendError(reply, 405, "read_only", "the queue board is read-only");
      return;
    }
    done();
  };
}

/**
 * Bull Board at /admin/queues, read-only: it shows queues, jobs, their data and errors, and
 * changes nothing. Retrying, promoting, adding or removing jobs would run the desk's jobs (a
 * stop-loss scan, an approval expiry) outside their schedules, with no actor in the audit log;
 * the desk is steered through the kill switch, approvals and Telegram, never a web console. A
 * read-only board also means a credential the browser sends on its own cannot change anything.
 *
 * The queues come from a getter, as the job runner may start after the HTTP server; the board
 * follows the runner's map on each request.
 */
export function registerQueueBoard(app: FastifyInstance, options: { queues: QueueSource; apiToken: string | undefined }): void {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: "War Room queues" } } });
  let shown: ReadonlyMap<string, Queue> | undefined;
  let shownNames = "";
  const follow = () => {
    const current = options.queues();
    const names = [...(current?.keys() ?? [])].join("\n");
    if (current === shown && names === shownNames) return;
    board.replaceQueues([...(current?.values() ?? [])].map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })));
    [shown, shownNames] = [current, names];
  };

  void app.register(
    (scope, _opts, done) => {
      scope.addHook("onRequest", boardAuth(options.apiToken));
      scope.addHook("onRequest", (_request, _reply, next) => {
        follow();
        next();
      });
      scope.addHook("onSend", (_request, reply, payload, next) => {
        reply.header("x-frame-options", "DENY").header("referrer-policy", "no-referrer").header("x-content-type-options", "nosniff");
        if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
        next(null, payload);
      });
      void scope.register(serverAdapter.registerPlugin());
      done();
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
