import type { FastifyInstance } from "fastify";
import { webhookCallback, type Bot } from "grammy";
import type { BotContext } from "../telegram/context.js";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";

/**
 * Webhook mode: Telegram posts each update here with the secret token it was given at
 * setWebhook; a request without it (anyone who found the URL) is refused with 401 and reaches
 * nothing. The bearer token of the REST API does not apply: Telegram cannot send it.
 */
export function mountTelegramWebhook(app: FastifyInstance, bot: Bot<BotContext>, secretToken: string): void {
  app.post(TELEGRAM_WEBHOOK_PATH, webhookCallback(bot, "fastify", { secretToken }));
}
