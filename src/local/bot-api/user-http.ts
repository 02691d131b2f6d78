import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { EmulatorUserApi } from "./types.js";

/**
 * The user API over HTTP under /_user/<method>, JSON in and out, for driving a running emulator
 * from another process (curl, a script). Predicates cannot travel over HTTP, so waitForBotMessage
 * takes `textIncludes` (matched against what the user sees). Loopback-only like the emulator.
 */

const user = z.object({ id: z.number().int(), first_name: z.string().min(1), username: z.string().optional() });
const chatQuery = z.object({ chatId: z.coerce.number().int() });

const bodies = {
  registerUser: z.object({ user }),
  sendText: z.object({ user, text: z.string().min(1) }),
  press: z.object({
    user,
    chatId: z.number().int(),
    messageId: z.number().int(),
    callbackData: z.string(),
    timeoutMs: z.number().int().positive().optional(),
  }),
  waitForBotMessage: z.object({
    chatId: z.number().int(),
    textIncludes: z.string().optional(),
    timeoutMs: z.number().int().positive().optional(),
  }),
  failNext: z.object({
    method: z.string().min(1),
    error: z.object({ error_code: z.number().int(), description: z.string(), retry_after: z.number().int().optional() }),
  }),
};

export function registerUserRoutes(app: FastifyInstance, api: EmulatorUserApi): void {
  const post = <S extends z.ZodType>(name: string, schema: S, run: (body: z.infer<S>) => unknown): void => {
    app.post(`/_user/${name}`, async (request, reply) => {
      const parsed = schema.safeParse(request.body ?? {});
      if (!parsed.success) return fail(reply, 400, z.prettifyError(parsed.error));
      return answer(reply, () => run(parsed.data));
    });
  };
  const get = (name: string, run: (query: Record<string, unknown>) => unknown): void => {
    app.get(`/_user/${name}`, async (request, reply) => answer(reply, () => run(request.query as Record<string, unknown>)));
  };

  post("registerUser", bodies.registerUser, (b) => {
    api.registerUser(b.user);
    return true;
  });
  post("sendText", bodies.sendText, (b) => api.sendText(b.user, b.text));
  post("press", bodies.press, async (b) => {
    const options = b.timeoutMs === undefined ? undefined : { timeoutMs: b.timeoutMs };
    return (await api.press(b.user, b.chatId, b.messageId, b.callbackData, options)) ?? null;
  });
  post("waitForBotMessage", bodies.waitForBotMessage, (b) =>
    api.waitForBotMessage(
      b.chatId,
      (m) => b.textIncludes === undefined || (m.plainText ?? "").includes(b.textIncludes),
      b.timeoutMs === undefined ? undefined : { timeoutMs: b.timeoutMs },
    ),
  );
  post("failNext", bodies.failNext, (b) => {
    api.failNext(b.method, b.error);
    return true;
  });
  get("messages", (q) => api.messages(chatQuery.parse(q).chatId));
  get("lastBotMessage", (q) => api.lastBotMessage(chatQuery.parse(q).chatId) ?? null);
  get("commands", () => api.commands());
  get("calls", (q) => api.calls(typeof q.method === "string" ? q.method : undefined));
}

async function answer(reply: FastifyReply, run: () => unknown): Promise<FastifyReply> {
  try {
    return await reply.code(200).send({ ok: true, result: await run() });
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
    return fail(reply, 400, message);
  }
}

function fail(reply: FastifyReply, status: number, description: string): FastifyReply {
  return reply.code(status).send({ ok: false, error_code: status, description });
}
