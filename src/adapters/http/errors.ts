import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from "fastify";

/** Every error the API sends has this shape; `extra` fields (until, attemptsLeft, readings) sit next to code and message. */
export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: { ...extra, code, message } };
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(errorBody(code, message, extra));
}

/**
 * Names the field in a schema error ("body/reason must NOT have fewer than 1 characters").
 * Ajv's messages never quote the offending value, so a bad override code is not echoed.
 */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const text = errors
    .map((e) => {
      const where = `${dataVar}${e.instancePath || ""}`;
      const extra = e.keyword === "additionalProperties" ? (e.params as { additionalProperty?: unknown }).additionalProperty : undefined;
      return typeof extra === "string" ? `${where} must NOT have additional property '${extra}'` : `${where} ${e.message ?? "is invalid"}`;
    })
    .join(", ");
  return new Error(text);
}

/** The use cases report an account that is not there in two ways: no row to lock, or no account to load. */
export function isUnknownAccount(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === "KillSwitchUnavailableError" || /^account \S+ does not exist$/.test(error.message);
}

const CLIENT_ERROR_CODES: Record<number, string> = {
  400: "bad_request",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/**
 * The one error handler: schema errors -> 400 naming the field, unknown accounts -> 404,
 * Fastify's own client errors (bad JSON, too large, wrong content type) keep their status with
 * Fastify's fixed message, and anything else is a 500 whose detail only goes to the log.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) return sendError(reply, 400, "bad_request", error.message);
  if (isUnknownAccount(error)) return sendError(reply, 404, "unknown_account", error.message);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500 && typeof error.code === "string" && error.code.startsWith("FST_")) {
    // Fastify's messages are fixed strings: they never quote the request body.
    return sendError(reply, status, CLIENT_ERROR_CODES[status] ?? "bad_request", error.message);
  }
  request.log.error({ err: error }, "request failed");
  return sendError(reply, 500, "internal", "internal error; the details are in the server log");
}
