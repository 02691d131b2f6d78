import type { FastifyInstance, FastifyReply } from "fastify";
import { checkAllAccounts, checkTriggers, type CheckResult } from "../../app/kill-switch/check-triggers.js";
import type { KillSwitchDeps } from "../../app/kill-switch/deps.js";
import { haltTrading, HALT_REASON_MAX_CHARS } from "../../app/kill-switch/halt-trading.js";
import { resumeTrading, type ResumeResult } from "../../app/kill-switch/resume-trading.js";
import type { KillSwitchStatus } from "../../app/ports/kill-switch-store.js";
import { cleanText } from "../../domain/text.js";
import { bearerAuth } from "./auth.js";
import { sendError } from "./errors.js";

/** Every change made through the API is recorded under this actor; resume shares its lockout with Telegram's /resume. */
const ACTOR = "api";

const accountId = { type: "string", format: "uuid" } as const;

const checkSchema = {
  body: { type: "object", additionalProperties: false, properties: { accountId } },
} as const;

const activateSchema = {
  body: {
    type: "object",
    additionalProperties: false,
    required: ["reason"],
    properties: { reason: { type: "string", minLength: 1, maxLength: 500 }, accountId },
  },
} as const;

const deactivateSchema = {
  body: {
    type: "object",
    additionalProperties: false,
    required: ["accountId", "code"],
    properties: { accountId, code: { type: "string", minLength: 1, maxLength: 256 }, acknowledge: { type: "boolean" } },
  },
} as const;

/**
 * /api/kill-switch/*: status, check, activate (halt) and deactivate (resume), all behind the
 * bearer token. Handlers only parse, call the use case and render; errors (unknown account,
 * anything unexpected) go to the server's error handler. The override code is passed to the
 * use case and never rendered or logged.
 */
export function registerKillSwitchRoutes(app: FastifyInstance, options: { deps: KillSwitchDeps; apiToken: string | undefined }): void {
  const { deps } = options;
  void app.register(
    (scope, _opts, done) => {
      scope.addHook("onRequest", bearerAuth(options.apiToken));

      scope.get("/status", async () => {
        const accounts = [];
        for (const id of await deps.store.accountIds()) accounts.push(renderStatus(id, await deps.store.status(id)));
        return { accounts };
      });

      scope.post<{ Body: { accountId?: string } }>("/check", {
        schema: checkSchema,
        // No body at all means "every account".
        preValidation: (request, _reply, next) => {
          request.body ??= {};
          next();
        },
      }, async (request) => {
        const id = request.body.accountId;
        const { results, failures } = id ? { results: [await checkTriggers(deps, id, ACTOR)], failures: [] } : await checkAllAccounts(deps, ACTOR);
        return { results: results.map(renderCheck), failures };
      });

      scope.post<{ Body: { reason: string; accountId?: string } }>("/activate", { schema: activateSchema }, async (request) => {
        const { accountId: id } = request.body;
        // NUL and control characters out, cut on a character boundary: the halt commits whatever the text
        // (a reason that cleans to nothing is recorded as a manual halt rather than refused: stopping is always allowed).
        const reason = cleanText(request.body.reason, { maxChars: HALT_REASON_MAX_CHARS }) || "manual halt over the REST API";
        const results = await haltTrading(deps, { reason, actor: ACTOR, ...(id ? { accountId: id } : {}) });
        return { results: results.map((r) => ({ ...r, state: "HALTED" })) };
      });

      scope.post<{ Body: { accountId: string; code: string; acknowledge?: boolean } }>("/deactivate", { schema: deactivateSchema }, async (request, reply) => {
        const { accountId: id, code, acknowledge } = request.body;
        const result = await resumeTrading(deps, { accountId: id, actor: ACTOR, code, acknowledge: acknowledge ?? false });
        return renderResume(reply, id, result);
      });

      done();
    },
    { prefix: "/api/kill-switch" },
  );
}

function renderStatus(accountId: string, status: KillSwitchStatus | undefined) {
  if (!status) {
    // No kill-switch row: the order guard refuses every order, so say so.
    return {
      accountId, accountName: null, state: "UNKNOWN", trigger: null, reason: "the kill-switch state cannot be read: treated as halted",
      actor: null, changedAt: null, canTrade: false, resumeLockedUntil: null, lastCheckedAt: null, readings: [],
    };
  }
  return {
    accountId,
    accountName: status.accountName,
    state: status.state,
    trigger: status.trigger,
    reason: status.reason,
    actor: status.actor,
    changedAt: status.changedAt,
    canTrade: status.state === "ACTIVE",
    resumeLockedUntil: status.resumeLockedUntil,
    lastCheckedAt: status.lastCheckedAt,
    readings: status.lastReadings,
  };
}

function renderCheck(r: CheckResult) {
  return { accountId: r.accountId, accountName: r.accountName, halted: r.halted, fired: r.fired, readings: r.readings };
}

function renderResume(reply: FastifyReply, accountId: string, result: ResumeResult): FastifyReply {
  switch (result.outcome) {
    case "resumed":
      return reply.send({ accountId, state: "ACTIVE", suppressed: result.suppressed });
    case "not_halted":
      return sendError(reply, 409, "not_halted", "the account is not halted");
    case "locked":
      return sendError(reply, 423, "resume_locked", `resume is locked after too many wrong override codes, until ${result.until.toISOString()}`, { until: result.until });
    case "wrong_code":
      return sendError(reply, 403, "wrong_code", result.lockedUntil ? `wrong override code: resume is now locked until ${result.lockedUntil.toISOString()}` : "wrong override code", {
        attemptsLeft: result.attemptsLeft,
        lockedUntil: result.lockedUntil,
      });
    case "needs_acknowledgement":
      return sendError(
        reply, 409, "acknowledgement_required",
        `still firing: ${result.stillFiring.map((r) => r.trigger).join(", ")}; send acknowledge: true to resume anyway (they stay suppressed for the rest of the trading day)`,
        { readings: result.stillFiring },
      );
    case "no_code_configured":
      return sendError(reply, 503, "no_override_code", "no override code is configured: set OVERRIDE_CODE_HASH (npm run override:hash)");
  }
}
