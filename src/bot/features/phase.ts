import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.js";
import { renderPhase } from "../render/monitor.js";
import { replyHtml } from "../reply.js";
import { phaseViews } from "../views.js";

/** /phase: the phase, its day count and, in shadow, the promotion gate against its targets. */
export function phaseFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("phase", async (ctx) => {
    const views = await phaseViews(deps);
    await replyHtml(ctx, views.length ? views.map(renderPhase).join("\n\n") : "No account yet.");
  });
  return composer;
}
