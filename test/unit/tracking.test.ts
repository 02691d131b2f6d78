import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import {
  bpsShown,
  evaluateTrackingGate,
  pairResult,
  pairsOf,
  slippageBps,
  summarizeTracking,
  trackingError,
  whyNotFilled,
  type MirroredDecisionRecord,
  type MirrorSide,
  type TrackedPair,
} from "../../src/domain/tracking.js";
import type { Side } from "../../src/domain/vocabulary.js";

const SHADOW = "00000000-0000-4000-8000-000000000001";
const LIVE = "00000000-0000-4000-8000-000000000002";
const OTHER_SHADOW = "00000000-0000-4000-8000-000000000003";

function side(overrides: Partial<MirrorSide> & { filled?: [number, string] } = {}): MirrorSide {
  const { filled, ...rest } = overrides;
  const [quantity, price] = filled ?? [0, "0"];
  return {
    accountId: SHADOW,
    accountName: "shadow",
    mode: "shadow",
    openedFrom: null,
    quantity: quantity || 1,
    outcome: "proposed",
    reason: "",
    proposalStatus: filled ? "executed" : "pending",
    proposalReason: null,
    orderStatus: filled ? "filled" : null,
    orderReason: null,
    fills: { quantity, value: new Dec(price).times(quantity), realizedPnl: new Dec(0), commission: new Dec(0) },
    ...rest,
  };
}

const live = (overrides: Parameters<typeof side>[0] = {}) => side({ accountId: LIVE, accountName: "live", mode: "live", openedFrom: SHADOW, ...overrides });

function pair(s: Side, shadow: MirrorSide | null, l: MirrorSide, ticker = "NVDA", at = new Date("2026-11-24T16:00:00Z")): TrackedPair {
  return { mirrorId: `m-${Math.random()}`, at, ticker, side: s, shadow, live: l };
}

describe("slippage of live against shadow", () => {
  it("is positive when a live BUY paid more, exactly (bps of the shadow price)", () => {
    expect(slippageBps("BUY", new Dec("100"), new Dec("100.05")).toString()).toBe("5");
    expect(slippageBps("BUY", new Dec("100"), new Dec("99.99")).toString()).toBe("-1");
    // 0.15 / 181.20 × 10,000, to Dec's 40 significant digits: no float ever touches it.
    expect(slippageBps("BUY", new Dec("181.20"), new Dec("181.35")).eq(new Dec("0.15").div("181.20").times(10_000))).toBe(true);
    expect(bpsShown(slippageBps("BUY", new Dec("181.20"), new Dec("181.35")))).toBe("8.28");
  });

  it("is positive when a live SELL got less (the direction turns)", () => {
    expect(slippageBps("SELL", new Dec("200"), new Dec("199.9")).toString()).toBe("5");
    expect(slippageBps("SELL", new Dec("200"), new Dec("200.1")).toString()).toBe("-5");
  });

  it("uses each side's average fill price", () => {
    const shadow = side({ filled: [10, "100"], fills: { quantity: 10, value: new Dec("1000.50"), realizedPnl: new Dec(0), commission: new Dec(0) } });
    const result = pairResult(pair("BUY", shadow, live({ filled: [1, "100.10"] })));
    // shadow average 100.05, live 100.10: 0.05 / 100.05 × 10,000
    expect(result).toEqual({ kind: "both", slippageBps: new Dec("0.05").div("100.05").times(10_000) });
  });
});

describe("one-sided executions and why", () => {
  const filled = () => side({ filled: [5, "100"] });
  const cases: [string, MirrorSide, string, string][] = [
    ["refused", live({ outcome: "refused", reason: "NVDA would be 40.00% of equity (limit 30%)", proposalStatus: null }), "refused", "NVDA would be 40.00% of equity (limit 30%)"],
    ["halted (refused by the kill switch)", live({ outcome: "refused", reason: "trading is halted: manual", proposalStatus: null }), "halted", "trading is halted: manual"],
    ["not sized", live({ outcome: "not_sized", quantity: null, reason: "micro allows $100 of exposure; one NVDA is $181.20", proposalStatus: null }), "not_sized", "micro allows $100 of exposure; one NVDA is $181.20"],
    ["approval denied", live({ proposalStatus: "denied", proposalReason: "not today" }), "denied", "not today"],
    ["expired", live({ proposalStatus: "expired", proposalReason: "no decision in time" }), "expired", "no decision in time"],
    ["cancelled by a halt", live({ proposalStatus: "cancelled", proposalReason: "trading halted: daily loss" }), "halted", "trading halted: daily loss"],
    ["refused at approval", live({ proposalStatus: "rejected_by_risk", proposalReason: "phase micro allows 1 share(s) per order" }), "refused", "phase micro allows 1 share(s) per order"],
    ["halted at approval", live({ proposalStatus: "rejected_by_risk", proposalReason: "trading is halted: stale data" }), "halted", "trading is halted: stale data"],
    ["rejected by the broker", live({ proposalStatus: "failed", proposalReason: "insufficient funds", orderStatus: "rejected", orderReason: "insufficient funds" }), "failed", "insufficient funds"],
    ["failed before a proposal", live({ outcome: "failed", reason: "the account no longer exists", proposalStatus: null }), "failed", "the account no longer exists"],
    ["still waiting for a trader", live(), "pending", "waiting for a trader"],
    ["resting at the broker", live({ outcome: "executed", proposalStatus: null, orderStatus: "submitted" }), "open", "order submitted"],
  ];
  for (const [name, other, kind, detail] of cases) {
    it(`names why the live side did not execute: ${name}`, () => {
      const result = pairResult(pair("BUY", filled(), other));
      expect(result).toEqual({ kind: "shadow_only", why: { kind, detail } });
    });
  }

  it("counts a live-only execution with the shadow side's reason", () => {
    const result = pairResult(pair("BUY", side({ outcome: "refused", reason: "trading is halted", proposalStatus: null }), live({ filled: [1, "100"] })));
    expect(result).toEqual({ kind: "live_only", why: { kind: "halted", detail: "trading is halted" } });
  });

  it("a missing shadow side is not mirrored", () => {
    expect(whyNotFilled(null)).toEqual({ kind: "not_mirrored", detail: "no side for this account" });
  });
});

describe("pairing and summaries", () => {
  it("pairs each live side with the shadow account that opened it, else the first shadow side", () => {
    const at = new Date("2026-11-24T16:00:00Z");
    const decision = (id: string, openedFrom: string | null): MirroredDecisionRecord => ({
      id, at, ticker: "NVDA", side: "BUY",
      sides: [side({ accountId: OTHER_SHADOW }), side({ accountId: SHADOW }), live({ openedFrom })],
    });
    const [opened, unlinked] = pairsOf([decision("a", SHADOW), decision("b", null)]);
    expect(opened!.shadow!.accountId).toBe(SHADOW);
    expect(unlinked!.shadow!.accountId).toBe(OTHER_SHADOW);
    expect(pairsOf([decision("a", SHADOW)], "someone-else")).toEqual([]);
  });

  it("totals fills side by side per ticker and in total, with realised P&L per side", () => {
    const sell = (price: string, pnl: string, l: boolean) => {
      const s = (l ? live : side)({ filled: [l ? 1 : 10, price] });
      return { ...s, fills: { ...s.fills, realizedPnl: new Dec(pnl) } };
    };
    const pairs = [
      pair("BUY", side({ filled: [10, "100"] }), live({ filled: [1, "100.10"] })),
      pair("SELL", sell("110", "99.00", false), sell("109.89", "9.79", true)),
      pair("BUY", side({ filled: [4, "50"] }), live({ outcome: "not_sized", quantity: null, reason: "micro allows $100 of exposure; one ORCL is $150", proposalStatus: null }), "ORCL"),
    ];
    const { byTicker, total } = summarizeTracking(pairs);
    expect(byTicker.map((t) => t.ticker)).toEqual(["NVDA", "ORCL"]);
    const nvda = byTicker[0]!;
    expect(nvda.filledBoth).toBe(2);
    expect(nvda.shadow.bought).toEqual({ quantity: 10, value: new Dec("1000") });
    expect(nvda.live.sold).toEqual({ quantity: 1, value: new Dec("109.89") });
    expect(nvda.shadow.realizedPnl.toFixed(2)).toBe("99.00");
    expect(nvda.live.realizedPnl.toFixed(2)).toBe("9.79");
    // BUY +10 bps, SELL (110 - 109.89) / 110 = +10 bps: both live worse.
    expect(nvda.meanSlippageBps!.toString()).toBe("10");
    expect(nvda.trackingErrorBps!.toString()).toBe("10");
    expect(byTicker[1]).toMatchObject({ shadowOnly: 1, liveOnly: 0, filledBoth: 0, trackingErrorBps: null, oneSidedWhy: { not_sized: 1 } });
    expect(total).toMatchObject({ ticker: null, decisions: 3, filledBoth: 2, shadowOnly: 1 });
  });

  it("tracking error is the mean absolute slippage: +10 and -10 bps track at 10, not 0", () => {
    const pairs = [pair("BUY", side({ filled: [1, "100"] }), live({ filled: [1, "100.10"] })), pair("BUY", side({ filled: [1, "100"] }), live({ filled: [1, "99.90"] }))];
    const error = trackingError(pairs);
    expect(error.pairs).toBe(2);
    expect(error.bps!.toString()).toBe("10");
    expect(error.meanBps!.toString()).toBe("0");
  });
});

describe("evaluateTrackingGate", () => {
  const bothAt = (livePrice: string) => pair("BUY", side({ filled: [1, "100"] }), live({ filled: [1, livePrice] }));
  const targets = { maxBps: 50, minPairs: 3 };

  it("passes at exactly the minimum pairs and exactly the limit", () => {
    const verdict = evaluateTrackingGate([bothAt("100.5"), bothAt("99.5"), bothAt("100.5")], targets);
    expect(verdict).toEqual({
      passed: true,
      checks: [
        { gate: "tracked_pairs", label: "mirrored decisions filled on both sides", value: "3", target: ">= 3", passed: true },
        { gate: "tracking_error", label: "tracking error (mean |slippage| of live against shadow)", value: "50.00 bps", target: "<= 50 bps", passed: true },
      ],
    });
  });

  it("fails one pair short, and one-sided pairs do not count", () => {
    const oneSided = pair("BUY", side({ filled: [1, "100"] }), live({ proposalStatus: "denied", proposalReason: "no" }));
    const verdict = evaluateTrackingGate([bothAt("100"), bothAt("100"), oneSided], targets);
    expect(verdict.passed).toBe(false);
    expect(verdict.checks.map((c) => [c.gate, c.value, c.passed])).toEqual([["tracked_pairs", "2", false], ["tracking_error", "0.00 bps", true]]);
  });

  it("fails just over the limit, never showing a failing value as the limit", () => {
    // 50.004 bps rounds to 50.00 half-even: shown rounded up instead.
    const verdict = evaluateTrackingGate([bothAt("100.50004"), bothAt("100.50004"), bothAt("100.50004")], targets);
    expect(verdict.passed).toBe(false);
    expect(verdict.checks[1]).toMatchObject({ value: "50.01 bps", passed: false });
  });

  it("fails with no evidence at all", () => {
    const verdict = evaluateTrackingGate([], { maxBps: 50, minPairs: 0 });
    expect(verdict.passed).toBe(false);
    expect(verdict.checks[1]).toMatchObject({ value: "n/a", passed: false });
  });
});
