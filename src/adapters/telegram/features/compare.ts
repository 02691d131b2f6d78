import { Composer } from "grammy";
import { TICKER_PATTERN } from "../../../domain/vocabulary.js";
import type { BotContext, BotDeps } from "../context.js";
import { words } from "../parse.js";
import { renderCompare } from "../render/compare.js";
import { esc } from "../render/html.js";
import { replyHtml } from "../reply.js";
import { compareView } from "../views.js";

const COMPARE_USAGE = "/compare [TICKER] [DAYS]  (DAYS from 1 to 365, 30 by default)\nexamples: /compare · /compare NVDA · /compare NVDA 7 · /compare 90";
const DEFAULT_DAYS = 30;
const MAX_DAYS = 365;

/** At most one ticker and one number of days, in either order; anything else is named. */
function parseCompareArgs(args: readonly string[]): { ticker: string | null; days: number } | { error: string } {
  let ticker: string | null = null;
  let days: number | null = null;
  if (args.length > 2) return { error: "too many arguments" };
  for (const arg of args) {
    if (/^\d+$/.test(arg)) {
      const n = Number(arg);
      if (days !== null) return { error: "two numbers of days" };
      if (!Number.isSafeInteger(n) || n < 1 || n > MAX_DAYS) return { error: `days must be from 1 to ${MAX_DAYS}, got ${arg.slice(0, 12)}` };
      days = n;
    } else {
      const t = arg.toUpperCase();
      if (!TICKER_PATTERN.test(t)) return { error: `"${arg}" is not a ticker or a number of days` };
      if (ticker !== null) return { error: "two tickers" };
      ticker = t;
    }
  }
  return { ticker, days: days ?? DEFAULT_DAYS };
}

/** /compare [TICKER] [DAYS]: live fills against their shadow twins; anyone on the desk may read it. */
export function compareFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("compare", async (ctx) => {
    const parsed = parseCompareArgs(words(ctx.match));
    if ("error" in parsed) return void (await ctx.reply(`❌ ${esc(parsed.error)}.\nusage: ${esc(COMPARE_USAGE)}`, { parse_mode: "HTML" }));
    const view = await compareView(deps, parsed);
    if (!view) return void (await ctx.reply("Live-versus-shadow tracking is not available in this process."));
    await replyHtml(ctx, renderCompare(view));
  });
  return composer;
}
