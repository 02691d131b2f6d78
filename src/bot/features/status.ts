import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.js";
import { renderStatus } from "../render/status.js";
import { replyHtml } from "../reply.js";
import { statusView } from "../views.js";

/** /status: per account, the kill switch, whether it can trade, each trigger's reading, phase, positions and pending approvals. */
export function statusFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("status", async (ctx) => replyHtml(ctx, renderStatus(await statusView(deps))));
  return composer;
}
