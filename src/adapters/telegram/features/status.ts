import { Composer } from "grammy";
import { describeFeed } from "../../../domain/feed-health.js";
import type { BotContext, BotDeps } from "../context.js";
import { esc } from "../render/html.js";
import { renderStatus } from "../render/status.js";
import { replyHtml } from "../reply.js";
import { statusView } from "../views.js";

/** /status: where prices come from, then per account the kill switch, whether it can trade, each trigger's reading, phase, positions and pending approvals. */
export function statusFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("status", async (ctx) => {
    const [feeds, accounts] = await Promise.all([marketDataLines(deps), statusView(deps)]);
    return replyHtml(ctx, [...feeds, ...(feeds.length > 0 ? [""] : []), renderStatus(accounts)].join("\n"));
  });
  return composer;
}

/** One line per feed; a feed whose state cannot be read says so rather than hiding the accounts. */
async function marketDataLines(deps: BotDeps): Promise<string[]> {
  const md = deps.marketData;
  if (!md) return [];
  if (md.provider === "none") return ["📡 Market data: none (prices arrive by import only: set MARKET_DATA, see README)"];
  if (md.provider === "replay") return ["📡 Market data: replay of demo prices (local mode)"];
  if (!md.feeds) return [`📡 Market data: ${esc(md.provider)}`];
  try {
    const now = deps.killSwitch.clock.now();
    const reports = await md.feeds.all();
    if (reports.length === 0) return [`📡 Market data: ${esc(md.provider)}, not reported yet (is the worker running?)`];
    return reports.map((r) => `📡 Market data: ${esc(describeFeed(r, now))}`);
  } catch (error) {
    return [`📡 Market data: ${esc(md.provider)}, state unreadable (${esc(error instanceof Error ? error.message : String(error))})`];
  }
}
