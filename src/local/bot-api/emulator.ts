import { mkdtemp } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { DOCUMENT_LIMIT } from "./media-methods.js";
import { METHODS } from "./methods.js";
import { ApiError, badRequest, Params, type UploadedFile } from "./params.js";
import { EmulatorStore } from "./store.js";
import { UpdateIdFile } from "./update-id-file.js";
import type { BotApiEmulator, BotApiEmulatorOptions } from "./types.js";
import { createUserApi } from "./user-api.js";
import { registerUserRoutes } from "./user-http.js";

/**
 * A local stand-in for api.telegram.org: an unmodified grammY bot pointed at `apiRoot` polls it
 * and calls it exactly as it would Telegram, and the user API plays the human side of the chat.
 */

const DEFAULT_BOT = { id: 7000000001, username: "war_room_local_bot", first_name: "War Room (local)" };

export async function startBotApiEmulator(options: BotApiEmulatorOptions): Promise<BotApiEmulator> {
  const host = options.host ?? "127.0.0.1";
  const photoDir = options.photoDir ?? (await mkdtemp(join(tmpdir(), "war-room-bot-api-")));
  const store = new EmulatorStore({ ...(options.bot ?? DEFAULT_BOT) }, photoDir, options.stateDir ? new UpdateIdFile(options.stateDir) : undefined);
  const user = createUserApi(store);

  // Keep-alive sockets of a stopped bot must not hold close() open.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(multipart, { limits: { fileSize: DOCUMENT_LIMIT, files: 10, fields: 100 } });
  // Bodies arrive as JSON (possibly empty, e.g. getMe), urlencoded forms or multipart; anything
  // else is ignored the way Telegram ignores it, leaving the query string.
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body).trim();
    if (text === "") return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(badRequest("can't parse JSON request body"), undefined);
    }
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, {}));

  app.setErrorHandler((error, _request, reply) => sendError(reply, toApiError(error)));
  app.setNotFoundHandler((_request, reply) => sendError(reply, new ApiError(404, "Not Found")));

  app.route({
    method: ["GET", "POST"],
    url: "/bot:token/:method",
    handler: async (request, reply) => {
      const { token, method } = request.params as { token: string; method: string };
      if (token !== options.token) return sendError(reply, new ApiError(401, "Unauthorized"));
      let params: Params;
      try {
        params = await readParams(request);
      } catch (error) {
        return sendError(reply, toApiError(error));
      }
      store.recordCall(method, params.forLog());
      const fault = store.takeFault(method);
      if (fault) return sendError(reply, fault);
      const handler = METHODS.get(method.toLowerCase());
      if (!handler) return sendError(reply, new ApiError(404, "Not Found: method not found"));
      // A client that hangs up (grammY aborting its long poll on stop) ends the wait.
      const left = new AbortController();
      reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) left.abort();
      });
      try {
        const result = await handler(params, { store, signal: left.signal });
        return await reply.code(200).send({ ok: true, result });
      } catch (error) {
        return sendError(reply, toApiError(error));
      }
    },
  });
  registerUserRoutes(app, user);

  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const apiRoot = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    apiRoot,
    user,
    close: () => {
      closing ??= (async () => {
        store.close();
        // Let the answered long polls reach their clients before connections are cut.
        await new Promise((resolve) => setImmediate(resolve));
        await app.close();
      })();
      return closing;
    },
  };
}

/** Query string and body together (the body wins), files of a multipart body kept in memory. */
async function readParams(request: FastifyRequest): Promise<Params> {
  const values: Record<string, unknown> = { ...(request.query as Record<string, unknown>) };
  const files = new Map<string, UploadedFile>();
  if (request.isMultipart()) {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        const data = await part.toBuffer();
        files.set(part.fieldname, { filename: part.filename, mimetype: part.mimetype, data });
      } else {
        // Objects (reply_markup, reply_parameters) arrive as JSON strings; Params parses them on use.
        values[part.fieldname] = part.value;
      }
    }
  } else if (typeof request.body === "object" && request.body !== null && !Array.isArray(request.body)) {
    Object.assign(values, request.body);
  }
  return new Params(values, files);
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const { code, statusCode, message } = (error ?? {}) as { code?: string; statusCode?: number; message?: string };
  if (code === "FST_REQ_FILE_TOO_LARGE") return badRequest("file is too big");
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE") return new ApiError(413, "Request Entity Too Large");
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) return badRequest(message ?? "invalid request");
  return new ApiError(500, `Internal Server Error: ${message ?? String(error)}`);
}

function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  // Injected faults may carry any code in the body; the HTTP status has to be a valid one.
  const status = error.errorCode >= 400 && error.errorCode <= 599 ? error.errorCode : 400;
  return reply.code(status).send(error.toJSON());
}
