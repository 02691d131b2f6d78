import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.js";
import { renderMonitor } from "../render/monitor.js";
import { replyHtml } from "../reply.js";
import { monitorViews } from "../views.js";

/** /monitor: the daily monitor the operators used to run by hand, for every account. */
export function monitorFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("monitor", async (ctx) => {
    const views = await monitorViews(deps);
    await replyHtml(ctx, views.length ? views.map(renderMonitor).join("\n\n") : "No account yet.");
  });
  return composer;
}
