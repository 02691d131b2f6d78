import type { CompareView, LiveComparison } from "../../../app/views/compare-view.js";
import type { Dec } from "../../../domain/decimal.js";
import { averagePrice, bpsShown, pairResult, whyNotFilled, WHY_LABELS, type MirrorSide, type SideTotals, type TrackedPair, type TrackingSummary, type WhyKind } from "../../../domain/tracking.js";
import { accountTag } from "./account.js";
import { bold, esc } from "./html.js";
import { money } from "./order.js";
import { etDateTime } from "./time.js";

/** Pairs listed per ticker in /compare; older ones are counted, not listed. */
const PAIRS_SHOWN = 15;

/** "+8.28 bps": positive is live worse than shadow. */
function signedBps(bps: Dec): string {
  const text = bpsShown(bps);
  return `${bps.gt(0) && text !== "0.00" ? "+" : ""}${text === "-0.00" ? "0.00" : text} bps`;
}

/** A price to cents, or to 4 places when an average needs them. */
function price(d: Dec): string {
  const p = d.toDecimalPlaces(4);
  return p.decimalPlaces() <= 2 ? p.toFixed(2) : p.toString();
}

/** One side of a pair: "shadow 206 @ 97.00", or why it did not execute. */
function sideText(side: MirrorSide | null, fallback: string): string {
  const avg = averagePrice(side);
  if (side && avg) return `${esc(side.accountName)} ${side.fills.quantity} @ ${price(avg)}`;
  const why = whyNotFilled(side);
  return `${esc(side?.accountName ?? fallback)} ${esc(WHY_LABELS[why.kind])}${why.detail ? `: ${esc(why.detail)}` : ""}`;
}

function pairLine(p: TrackedPair): string {
  const r = pairResult(p);
  const slip = r.kind === "both" ? ` · ${signedBps(r.slippageBps)}` : "";
  return `• ${esc(etDateTime(p.at))} ${p.side} · ${sideText(p.shadow, "shadow")} · ${sideText(p.live, p.live.accountName)}${slip}`;
}

function filled(t: { quantity: number; value: Dec }): string {
  return t.quantity > 0 ? `${t.quantity} @ ${price(t.value.div(t.quantity))}` : "—";
}

/** Fills side by side; across tickers an average price means nothing, so the total counts shares only. */
function fillsLine(shadow: SideTotals, live: SideTotals, perTicker: boolean): string {
  const show = perTicker ? filled : (t: { quantity: number }) => String(t.quantity);
  const side = (what: string, s: SideTotals["bought"], l: SideTotals["bought"]) => `${what} shadow ${show(s)} · live ${show(l)}`;
  return `${perTicker ? "fills" : "shares"}: ${side("bought", shadow.bought, live.bought)}; ${side("sold", shadow.sold, live.sold)}`;
}

function oneSided(s: TrackingSummary): string {
  const n = s.shadowOnly + s.liveOnly;
  if (n === 0) return "one side only: none";
  const why = (Object.entries(s.oneSidedWhy) as [WhyKind, number][]).map(([k, c]) => `${WHY_LABELS[k]} ${c}`).join(", ");
  return `one side only: ${n} (shadow only ${s.shadowOnly}, live only ${s.liveOnly}; ${esc(why)})`;
}

/** A ticker's (or the total's) figures: slippage, fills side by side, realised P&L per side, one-sided executions. */
function summaryLines(s: TrackingSummary): string[] {
  const slip = s.trackingErrorBps && s.meanSlippageBps ? `slippage: mean ${signedBps(s.meanSlippageBps)} · tracking error ${bpsShown(s.trackingErrorBps)} bps` : "slippage: n/a (nothing filled on both sides)";
  return [
    `${bold(s.ticker ?? "Total")} · ${s.decisions} decision(s), ${s.filledBoth} filled on both sides`,
    slip,
    fillsLine(s.shadow, s.live, s.ticker !== null),
    `realised P&amp;L: shadow ${money(s.shadow.realizedPnl)} · live ${money(s.live.realizedPnl)}`,
    oneSided(s),
  ];
}

/** The tracking-error gate with each check, as /phase shows the promotion gate. */
function gateLines(c: LiveComparison): string[] {
  const since = c.gate.since ? ` (since ${esc(c.live.phase)} began ${esc(etDateTime(c.gate.since))})` : "";
  return [
    `${bold(`Tracking-error gate: ${c.gate.passed ? "PASSED ✅" : "not yet"}`)}${since}`,
    ...c.gate.checks.map((g) => `${g.passed ? "✅" : "❌"} ${esc(g.label)}: ${esc(g.value)} (target ${esc(g.target)})`),
  ];
}

function header(c: LiveComparison): string {
  return `${accountTag({ name: c.live.name, mode: "live" })} (${esc(c.live.phase)}) against the shadow side of the same decisions`;
}

/** /compare: per ticker the pairs side by side and their figures, then the total and the gate. */
export function renderCompare(view: CompareView & { days: number }): string {
  const title = `⚖️ ${bold(`Live vs shadow — last ${view.days} day(s)${view.ticker ? ` · ${view.ticker}` : ""}`)}`;
  if (view.comparisons.length === 0) return `${title}\nNo live account yet: nothing to compare. Mirrored decisions go to the shadow account only.`;
  const sections = [title];
  for (const c of view.comparisons) {
    const block = [header(c)];
    if (c.pairs.length === 0) block.push(`No mirrored decision in the window${view.ticker ? ` for ${esc(view.ticker)}` : ""}.`);
    for (const t of c.byTicker) {
      const pairs = c.pairs.filter((p) => p.ticker === t.ticker);
      const shown = pairs.slice(-PAIRS_SHOWN);
      block.push("", ...summaryLines(t).slice(0, 1));
      if (pairs.length > shown.length) block.push(`… ${pairs.length - shown.length} earlier decision(s) not listed`);
      block.push(...shown.map(pairLine), ...summaryLines(t).slice(1));
    }
    if (c.byTicker.length > 1) block.push("", ...summaryLines(c.total));
    block.push("", ...gateLines(c));
    sections.push(block.join("\n"));
  }
  sections.push("Slippage is live against shadow in basis points of the shadow price; positive means live did worse.");
  return sections.join("\n\n");
}

/** The weekly review's section: per live account the totals, one line per ticker, and the gate. */
export function renderTrackingSection(view: CompareView): string {
  const lines = [bold("Live vs shadow this week")];
  if (view.comparisons.length === 0) lines.push("no live account yet");
  for (const c of view.comparisons) {
    lines.push(header(c));
    if (c.pairs.length === 0) {
      lines.push("no mirrored decision this week");
    } else {
      lines.push(...summaryLines(c.total));
      for (const t of c.byTicker) {
        const slip = t.trackingErrorBps && t.meanSlippageBps ? `mean ${signedBps(t.meanSlippageBps)}, tracking error ${bpsShown(t.trackingErrorBps)} bps` : "no pair filled on both sides";
        lines.push(`• ${esc(t.ticker ?? "")}: ${t.decisions} decision(s), ${slip}, one side only ${t.shadowOnly + t.liveOnly}, P&amp;L shadow ${money(t.shadow.realizedPnl)} · live ${money(t.live.realizedPnl)}`);
      }
    }
    lines.push(...gateLines(c));
  }
  return lines.join("\n");
}
