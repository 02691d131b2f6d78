import { Composer } from "grammy";
import type { BotContext, BotDeps } from "../context.js";
import { bold } from "../render/html.js";
import { renderMonitor, renderPhase } from "../render/monitor.js";
import { renderStatus } from "../render/status.js";
import { replyHtml } from "../reply.js";
import { monitorViews, phaseViews, statusView } from "../views.js";

/** /report: the daily report as text, on demand (the chart arrives with the scheduled reports). */
export function reportFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("report", async (ctx) => {
    const [status, monitors, phases] = await Promise.all([statusView(deps), monitorViews(deps), phaseViews(deps)]);
    const sections = [bold("📊 Daily report"), ...monitors.map(renderMonitor), renderStatus(status), ...phases.map(renderPhase)];
    await replyHtml(ctx, sections.join("\n\n"));
  });
  return composer;
}
