import { Composer } from "grammy";
import { buildDailyReport } from "../../../app/reports/daily-report.js";
import type { BotContext, BotDeps } from "../context.js";
import { dailyReport } from "../../../app/ports/report-publisher.js";

/** /report: the daily report, now, with its chart: the same builder and publisher as the 16:15 push. */
export function reportFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("report", async (ctx) => {
    await ctx.replyWithChatAction("upload_photo").catch(() => undefined);
    const report = await buildDailyReport({
      reader: deps.reader,
      killSwitch: deps.killSwitch,
      proposals: deps.approvals.proposals,
      trades: deps.reports.trades,
      nearStopPct: deps.nearStopPct,
    });
    await deps.reports.publisher.toChat(ctx.chat.id, dailyReport(report));
  });
  return composer;
}
