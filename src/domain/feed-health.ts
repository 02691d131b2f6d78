import type { Condition } from "./watchdog.js";

export type FeedState = "connecting" | "live" | "down";

/** A market-data feed as the process streaming it last reported it. */
export interface FeedReport {
  name: string;
  state: FeedState;
  reason: string;
  /** When the feed entered this state. */
  since: Date;
  followed: number;
  /** Tickers the provider would not stream, and why. */
  refused: Record<string, string>;
  lastTickAt: Date | null;
  lastTickTicker: string | null;
  ticks: number;
  reportedAt: Date;
}

/** How often the streaming process reports its feed even when nothing changed. */
export const FEED_REPORT_EVERY_SECONDS = 10;
/** A report older than this many intervals means the process streaming the feed stopped. */
const STALE_REPORT_FACTOR = 3;
/** Connecting for longer than this counts as down. */
const CONNECTING_GRACE_SECONDS = 60;

/** Whether a feed delivers, judged from its report; `detail` says why not, for operators. */
export function feedHealth(r: FeedReport, now: Date): { up: boolean; detail: string } {
  const reportAge = (now.getTime() - r.reportedAt.getTime()) / 1000;
  if (reportAge > FEED_REPORT_EVERY_SECONDS * STALE_REPORT_FACTOR) {
    return { up: false, detail: `no report from the process streaming ${r.name} for ${Math.round(reportAge)} s (is the worker running?)` };
  }
  if (r.state === "down") return { up: false, detail: r.reason || "disconnected" };
  if (r.state === "connecting" && (now.getTime() - r.since.getTime()) / 1000 > CONNECTING_GRACE_SECONDS) {
    return { up: false, detail: `still connecting after ${Math.round((now.getTime() - r.since.getTime()) / 1000)} s${r.reason ? ` (${r.reason})` : ""}` };
  }
  return { up: true, detail: "" };
}

const FEED_CONDITION = "feed:";

/** One watchdog condition per feed: the admins hear once when it drops and once when it returns. */
export function feedConditions(reports: readonly FeedReport[], now: Date): Condition[] {
  return reports.map((r) => {
    const health = feedHealth(r, now);
    return { name: `${FEED_CONDITION}${r.name}`, failing: !health.up, detail: health.detail };
  });
}

/** The feed a watchdog condition is about ("alpaca:iex" for "feed:alpaca:iex"), or undefined for any other condition. */
export function feedOfCondition(condition: string): string | undefined {
  return condition.startsWith(FEED_CONDITION) ? condition.slice(FEED_CONDITION.length) : undefined;
}

/** "alpaca:iex live for 3 min, 12 tickers, last trade NVDA 2 s ago", for /status and the logs. */
export function describeFeed(r: FeedReport, now: Date): string {
  const health = feedHealth(r, now);
  const state = health.up ? `${r.state} for ${ago(now, r.since)}` : `DOWN: ${health.detail}`;
  const parts = [`${r.name} ${state}`, `${r.followed} ticker${r.followed === 1 ? "" : "s"}`];
  if (r.lastTickAt) parts.push(`last trade ${r.lastTickTicker ?? "?"} ${ago(now, r.lastTickAt)} ago`);
  else parts.push("no trade yet");
  const refused = Object.keys(r.refused);
  if (refused.length > 0) parts.push(`not streamed: ${refused.slice(0, 5).join(", ")}${refused.length > 5 ? ` and ${refused.length - 5} more` : ""}`);
  return parts.join(", ");
}

function ago(now: Date, then: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
