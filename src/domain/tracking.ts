import { Dec } from "./decimal.js";
import type { AccountMode, OrderStatus, ProposalStatus, Side } from "./vocabulary.js";

/**
 * Live measured against shadow (issue 14). A mirrored decision went to every eligible account;
 * each live account's side is paired with its shadow twin (the shadow account that opened it,
 * else the first shadow account with a side), and the pairs say how closely live reproduced the
 * paper record: fills side by side, slippage of live against shadow, executions on one side
 * only and why, realised P&L per side. Pure and exact.
 */

export const MIRROR_OUTCOMES = ["proposed", "executed", "refused", "not_sized", "failed"] as const;
export type MirrorOutcome = (typeof MIRROR_OUTCOMES)[number];

/** What one account's side filled: totals of its order's fills. */
export interface SideFills {
  quantity: number;
  /** Σ quantity × price, exact. */
  value: Dec;
  realizedPnl: Dec;
  commission: Dec;
}

/** One account's side (leg) of a mirrored decision, as recorded and as it turned out. */
export interface MirrorSide {
  accountId: string;
  accountName: string;
  mode: AccountMode;
  /** The shadow account whose record opened this (live) account. */
  openedFrom: string | null;
  /** What the account was sized to; null when nothing fitted. */
  quantity: number | null;
  outcome: MirrorOutcome;
  reason: string;
  proposalStatus: ProposalStatus | null;
  proposalReason: string | null;
  orderStatus: OrderStatus | null;
  orderReason: string | null;
  fills: SideFills;
}

export interface MirroredDecisionRecord {
  id: string;
  at: Date;
  ticker: string;
  side: Side;
  sides: MirrorSide[];
}

export interface TrackedPair {
  mirrorId: string;
  at: Date;
  ticker: string;
  side: Side;
  /** null: no shadow account had a side of this decision. */
  shadow: MirrorSide | null;
  live: MirrorSide;
}

export type WhyKind = "not_mirrored" | "not_sized" | "refused" | "halted" | "denied" | "expired" | "cancelled" | "failed" | "pending" | "open" | "unfilled";

/** Why a side did not execute. */
export interface Why {
  kind: WhyKind;
  detail: string;
}

export const WHY_LABELS: Readonly<Record<WhyKind, string>> = {
  not_mirrored: "not mirrored",
  not_sized: "not sized",
  refused: "refused",
  halted: "halted",
  denied: "approval denied",
  expired: "expired",
  cancelled: "cancelled",
  failed: "failed",
  pending: "awaiting approval",
  open: "open at the broker",
  unfilled: "not filled",
};

export type PairResult =
  | { kind: "both"; slippageBps: Dec }
  | { kind: "shadow_only"; why: Why }
  | { kind: "live_only"; why: Why }
  | { kind: "neither"; shadow: Why; live: Why };

const ZERO = new Dec(0);
const BPS = new Dec(10_000);

/** Each live side paired with its shadow twin; `liveAccountId` keeps one live account's pairs. Oldest decision first. */
export function pairsOf(decisions: readonly MirroredDecisionRecord[], liveAccountId?: string): TrackedPair[] {
  const pairs: TrackedPair[] = [];
  for (const d of [...decisions].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    for (const live of d.sides) {
      if (live.mode !== "live" || (liveAccountId !== undefined && live.accountId !== liveAccountId)) continue;
      const shadows = d.sides.filter((s) => s.mode === "shadow");
      const shadow = shadows.find((s) => s.accountId === live.openedFrom) ?? shadows[0] ?? null;
      pairs.push({ mirrorId: d.id, at: d.at, ticker: d.ticker, side: d.side, shadow, live });
    }
  }
  return pairs;
}

/** The side's average fill price, exact; null when nothing filled. */
export function averagePrice(side: MirrorSide | null): Dec | null {
  return side && side.fills.quantity > 0 ? side.fills.value.div(side.fills.quantity) : null;
}

/**
 * Slippage of live against shadow in basis points, positive when live did worse: a BUY that
 * paid more, a SELL that got less. BUY (live − shadow) / shadow, SELL (shadow − live) / shadow.
 */
export function slippageBps(side: Side, shadowPrice: Dec, livePrice: Dec): Dec {
  const worse = side === "BUY" ? livePrice.minus(shadowPrice) : shadowPrice.minus(livePrice);
  return worse.div(shadowPrice).times(BPS);
}

const HALTED = /^trading (is )?halted/i;

/** Why a side did not fill, from the furthest point it reached: leg, proposal, order. */
export function whyNotFilled(side: MirrorSide | null): Why {
  if (!side) return { kind: "not_mirrored", detail: "no side for this account" };
  const reason = side.reason;
  switch (side.outcome) {
    case "not_sized":
      return { kind: "not_sized", detail: reason };
    case "refused":
      return { kind: HALTED.test(reason) ? "halted" : "refused", detail: reason };
    case "failed":
      if (!side.orderStatus) return { kind: "failed", detail: reason };
  }
  const proposalReason = side.proposalReason ?? "";
  switch (side.proposalStatus) {
    case "pending":
      return { kind: "pending", detail: "waiting for a trader" };
    case "denied":
      return { kind: "denied", detail: proposalReason };
    case "expired":
      return { kind: "expired", detail: proposalReason || "no decision in time" };
    case "cancelled":
      return { kind: HALTED.test(proposalReason) ? "halted" : "cancelled", detail: proposalReason };
    case "rejected_by_risk":
      return { kind: HALTED.test(proposalReason) ? "halted" : "refused", detail: proposalReason };
    case "failed":
      if (!side.orderStatus) return { kind: "failed", detail: proposalReason };
  }
  switch (side.orderStatus) {
    case "rejected":
    case "failed":
      return { kind: "failed", detail: side.orderReason ?? reason };
    case "cancelled":
      return { kind: "cancelled", detail: side.orderReason ?? "" };
    case "new":
    case "submitted":
    case "partially_filled":
    case "unknown":
      return { kind: "open", detail: `order ${side.orderStatus}` };
  }
  return { kind: "unfilled", detail: reason };
}

export function pairResult(pair: TrackedPair): PairResult {
  const shadowPrice = averagePrice(pair.shadow);
  const livePrice = averagePrice(pair.live);
  if (shadowPrice && livePrice) return { kind: "both", slippageBps: slippageBps(pair.side, shadowPrice, livePrice) };
  if (shadowPrice) return { kind: "shadow_only", why: whyNotFilled(pair.live) };
  if (livePrice) return { kind: "live_only", why: whyNotFilled(pair.shadow) };
  return { kind: "neither", shadow: whyNotFilled(pair.shadow), live: whyNotFilled(pair.live) };
}

/** Mean absolute slippage over the pairs filled on both sides; null with none. */
export function trackingError(pairs: readonly TrackedPair[]): { pairs: number; bps: Dec | null; meanBps: Dec | null } {
  return errorOf(pairs.map(pairResult).flatMap((r) => (r.kind === "both" ? [r.slippageBps] : [])));
}

function errorOf(slips: readonly Dec[]): { pairs: number; bps: Dec | null; meanBps: Dec | null } {
  if (slips.length === 0) return { pairs: 0, bps: null, meanBps: null };
  const sum = (values: readonly Dec[]) => values.reduce((a, b) => a.plus(b), ZERO);
  return { pairs: slips.length, bps: sum(slips.map((s) => s.abs())).div(slips.length), meanBps: sum(slips).div(slips.length) };
}

export interface SideTotals {
  bought: { quantity: number; value: Dec };
  sold: { quantity: number; value: Dec };
  realizedPnl: Dec;
  commission: Dec;
}

export interface TrackingSummary {
  /** null: every ticker. */
  ticker: string | null;
  decisions: number;
  filledBoth: number;
  /** Mean signed slippage over the pairs filled on both sides (positive: live worse). */
  meanSlippageBps: Dec | null;
  /** Mean absolute slippage over the same pairs. */
  trackingErrorBps: Dec | null;
  shadowOnly: number;
  liveOnly: number;
  neither: number;
  /** One-sided executions by why the other side did not execute. */
  oneSidedWhy: Partial<Record<WhyKind, number>>;
  shadow: SideTotals;
  live: SideTotals;
}

const noTotals = (): SideTotals => ({ bought: { quantity: 0, value: ZERO }, sold: { quantity: 0, value: ZERO }, realizedPnl: ZERO, commission: ZERO });

function addSide(totals: SideTotals, side: Side, s: MirrorSide | null): SideTotals {
  if (!s || s.fills.quantity === 0) return totals;
  const leg = side === "BUY" ? totals.bought : totals.sold;
  const moved = { quantity: leg.quantity + s.fills.quantity, value: leg.value.plus(s.fills.value) };
  return {
    bought: side === "BUY" ? moved : totals.bought,
    sold: side === "SELL" ? moved : totals.sold,
    realizedPnl: totals.realizedPnl.plus(s.fills.realizedPnl),
    commission: totals.commission.plus(s.fills.commission),
  };
}

function summarize(pairs: readonly TrackedPair[], ticker: string | null): TrackingSummary {
  let shadow = noTotals();
  let live = noTotals();
  const counts = { shadowOnly: 0, liveOnly: 0, neither: 0 };
  const oneSidedWhy: Partial<Record<WhyKind, number>> = {};
  const slips: Dec[] = [];
  for (const p of pairs) {
    shadow = addSide(shadow, p.side, p.shadow);
    live = addSide(live, p.side, p.live);
    const r = pairResult(p);
    if (r.kind === "both") slips.push(r.slippageBps);
    else if (r.kind === "neither") counts.neither += 1;
    else {
      counts[r.kind === "shadow_only" ? "shadowOnly" : "liveOnly"] += 1;
      oneSidedWhy[r.why.kind] = (oneSidedWhy[r.why.kind] ?? 0) + 1;
    }
  }
  const error = errorOf(slips);
  return { ticker, decisions: pairs.length, ...counts, filledBoth: slips.length, meanSlippageBps: error.meanBps, trackingErrorBps: error.bps, oneSidedWhy, shadow, live };
}

/** Per ticker (alphabetical) and in total. */
export function summarizeTracking(pairs: readonly TrackedPair[]): { byTicker: TrackingSummary[]; total: TrackingSummary } {
  const tickers = [...new Set(pairs.map((p) => p.ticker))].sort();
  return { byTicker: tickers.map((t) => summarize(pairs.filter((p) => p.ticker === t), t)), total: summarize(pairs, null) };
}

export interface TrackingTargets {
  /** Largest tracking error (mean absolute slippage, bps) that passes. */
  maxBps: number;
  /** Pairs filled on both sides needed before the gate can pass. */
  minPairs: number;
}

/** A check in the shape of the promotion gate's (phase-gate.ts GateCheck). */
export interface TrackingGateCheck {
  gate: "tracked_pairs" | "tracking_error";
  label: string;
  value: string;
  target: string;
  passed: boolean;
}

export interface TrackingVerdict {
  passed: boolean;
  checks: TrackingGateCheck[];
}

/** Basis points for people, to 2 places; a failing value that would round down onto the limit shows rounded up. */
export function bpsShown(bps: Dec, maxBps?: number): string {
  const failing = maxBps !== undefined && bps.gt(maxBps);
  const rounded = bps.toDecimalPlaces(2, Dec.ROUND_HALF_EVEN);
  return (failing && rounded.lte(maxBps) ? bps.toDecimalPlaces(2, Dec.ROUND_CEIL) : rounded).toFixed(2);
}

/**
 * The gate a live account passes to leave micro: enough mirrored decisions filled on both
 * sides, and live tracking shadow within `maxBps` on average. No pairs is no evidence: it fails.
 */
export function evaluateTrackingGate(pairs: readonly TrackedPair[], targets: TrackingTargets): TrackingVerdict {
  const error = trackingError(pairs);
  const checks: TrackingGateCheck[] = [
    {
      gate: "tracked_pairs",
      label: "mirrored decisions filled on both sides",
      value: String(error.pairs),
      target: `>= ${targets.minPairs}`,
      passed: error.pairs >= targets.minPairs,
    },
    {
      gate: "tracking_error",
      label: "tracking error (mean |slippage| of live against shadow)",
      value: error.bps === null ? "n/a" : `${bpsShown(error.bps, targets.maxBps)} bps`,
      target: `<= ${targets.maxBps} bps`,
      passed: error.bps !== null && error.bps.lte(targets.maxBps),
    },
  ];
  return { passed: checks.every((c) => c.passed), checks };
}
