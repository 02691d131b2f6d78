import { conversations } from "@grammyjs/conversations";
import { Bot, Composer, type BotError, GrammyError, HttpError, type Context, type Middleware } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { BotContext, BotDeps } from "./context.js";
import { approvalsFeature } from "./features/approvals.js";
import { accountsFeature } from "./features/accounts.js";
import { useFeature } from "./features/use.js";
import { warroomFeature } from "./features/warroom.js";
import { compareFeature } from "./features/compare.js";
import { closeFeature } from "./features/close.js";
import { executeFeature } from "./features/execute.js";
import { fallbackFeature } from "./features/fallback.js";
import { haltFeature } from "./features/halt.js";
import { monitorFeature } from "./features/monitor.js";
import { phaseFeature } from "./features/phase.js";
import { reportFeature } from "./features/report.js";
import { resumeFeature } from "./features/resume.js";
import { startHelpFeature } from "./features/start-help.js";
import { statusFeature } from "./features/status.js";
import { authorize } from "./middlewares/authorize.js";
import { dedupeUpdates } from "./middlewares/dedupe.js";
import { rateLimit, UserRateLimiter } from "./middlewares/rate-limit.js";
import { fitMessages } from "./fit-messages.js";
import { clientOptions, installTransformers, retryTransformer, type TransportOptions } from "./transport.js";

export interface CreateBotOptions extends TransportOptions {
  token: string;
  /** Known bot identity: skips getMe (tests, benchmarks). */
  botInfo?: UserFromGetMe;
  /** Runs before everything else: the runner's per-chat sequentialize in polling mode. */
  before?: Middleware<BotContext>;
}

/**
 * The one place the bot is put together: the per-user rate limit, authorisation (strangers stop
 * there), de-duplication, then /halt before anything that needs Redis (dialogue state), then
 * dialogues and one Composer per feature behind an error boundary, then a fallback. When the
 * update ledger (Redis) is unreachable only /halt and read-only commands run, without dialogues.
 */
export function createBot(deps: BotDeps, options: CreateBotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(options.token, { client: clientOptions(options), ...(options.botInfo ? { botInfo: options.botInfo } : {}) });
  installTransformers(bot.api, options);
  const fail = (error: BotError<BotContext>) => reportFailure(deps, error);

  if (options.before) bot.use(options.before);
  bot.use(rateLimit(deps.limits?.perUser ?? new UserRateLimiter()));
  bot.use(authorize(deps.operators, { log: deps.log, ...(deps.limits?.strangerNotices ? { notices: deps.limits.strangerNotices } : {}) }));
  bot.use(dedupeUpdates(deps.deduper, { log: deps.log }));
  // Stopping needs PostgreSQL alone: /halt runs before the dialogues read their state from Redis.
  bot.errorBoundary(fail).use(haltFeature(deps));

  const withoutLedger = new Composer<BotContext>();
  withoutLedger.errorBoundary(fail).use(startHelpFeature(), statusFeature(deps), monitorFeature(deps), accountsFeature(deps));

  const full = new Composer<BotContext>();
  full.use(
    conversations({
      storage: { type: "key", version: 1, prefix: "conv:", adapter: deps.conversationStorage as never, getStorageKey: (ctx) => (ctx.chat && ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : undefined) },
      // A dialogue calls Telegram through an Api of the plugin's own, without the bot's
      // transformers: a 429 there would end the dialogue. Retry there too (not throttled: a
      // replay would wait out every call it only reads back from the stored state).
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(retryTransformer());
          ctx.api.config.use(fitMessages());
          await next();
        },
      ],
    }),
  );
  full.errorBoundary(fail).use(
    startHelpFeature(),
    statusFeature(deps),
    monitorFeature(deps),
    reportFeature(deps),
    accountsFeature(deps),
    useFeature(deps),
    phaseFeature(deps),
    resumeFeature(deps),
    executeFeature(deps),
    closeFeature(deps),
    approvalsFeature(deps),
    warroomFeature(deps),
    compareFeature(deps),
    fallbackFeature(),
  );
  bot.branch((ctx) => ctx.ledgerUnavailable === true, withoutLedger, full);

  bot.catch(fail);
  return bot;
}

/** An operator always learns that an action failed; the log gets the details. */
async function reportFailure(deps: BotDeps, error: BotError<Context>): Promise<void> {
  const ctx = error.ctx;
  const cause = error.error;
  deps.log.error({ err: cause instanceof Error ? { message: cause.message, stack: cause.stack } : String(cause), update: ctx.update.update_id }, "bot update failed");
  const text = `⚠️ That failed: ${describeFailure(cause)}. Check /status before trying again.`;
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: text.slice(0, 190), show_alert: true });
    else if (ctx.chat) await ctx.reply(text);
  } catch (replyError) {
    deps.log.error({ err: String(replyError) }, "could not tell the operator about a failure");
  }
}

function describeFailure(cause: unknown): string {
  if (cause instanceof GrammyError) return `Telegram refused a message (${cause.description})`;
  if (cause instanceof HttpError) return "Telegram could not be reached";
  return "an internal error (logged)";
}
