import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { sizeForAccount, type SizingAccount, type SizingDecision } from "../../src/domain/risk/size-for-account.js";

const buy = (quantity: number, price = "181.20", ticker = "NVDA"): SizingDecision => ({ side: "BUY", ticker, price: new Dec(price), quantity });

function account(overrides: Partial<SizingAccount> & { held?: Record<string, [number, string]> } = {}): SizingAccount {
  const { held = {}, ...rest } = overrides;
  return {
    mode: "live",
    phase: "micro",
    equity: new Dec("1000"),
    cash: new Dec("1000"),
    positions: new Map(Object.entries(held).map(([t, [q, v]]) => [t, { quantity: q, value: new Dec(v) }])),
    concentrationPct: 30,
    ...rest,
  };
}

describe("sizeForAccount", () => {
  it("gives a shadow account the decision's quantity, whatever its phase's rung", () => {
    expect(sizeForAccount(buy(55), account({ mode: "shadow", phase: "shadow" }))).toEqual({ quantity: 55, reason: null });
    expect(sizeForAccount(buy(55), account({ mode: "shadow", phase: "live-prep", cash: new Dec(0) }))).toEqual({ quantity: 55, reason: null });
  });

  it("caps a micro live account to 1 share, saying why", () => {
    expect(sizeForAccount(buy(55, "90"), account())).toEqual({ quantity: 1, reason: "sized 1 of 55: micro allows 1 share per order" });
    expect(sizeForAccount(buy(1, "90"), account())).toEqual({ quantity: 1, reason: null });
  });

  it("sizes 0 when one share is more than micro's capital headroom", () => {
    expect(sizeForAccount(buy(55), account())).toEqual({ quantity: 0, reason: "micro allows $100 of exposure; one NVDA is $181.20" });
    // $40 held already: $60 of headroom, a $60 share fits exactly, a $60.01 one does not.
    expect(sizeForAccount(buy(5, "60"), account({ held: { ORCL: [1, "40"] } })).quantity).toBe(1);
    expect(sizeForAccount(buy(5, "60.01"), account({ held: { ORCL: [1, "40"] } }))).toEqual({ quantity: 0, reason: "micro allows $100 of exposure, $40 is held; one NVDA is $60.01" });
  });

  it("caps small by capital headroom, floored, and by the $200 position cap", () => {
    const small = (held: Record<string, [number, string]> = {}) => account({ phase: "small", equity: new Dec("5000"), cash: new Dec("5000"), held });
    // $1,000 of capital at $30: 33 shares by capital, 6 by the $200 position cap (6 × 30 = 180).
    expect(sizeForAccount(buy(50, "30"), small())).toEqual({ quantity: 6, reason: "sized 6 of 50: small allows $200 per position; one NVDA is $30" });
    // $900 held elsewhere: $100 of headroom, 3 shares.
    expect(sizeForAccount(buy(50, "30"), small({ ORCL: [9, "900"] }))).toEqual({ quantity: 3, reason: "sized 3 of 50: small allows $1,000 of exposure, $900 is held; one NVDA is $30" });
    expect(sizeForAccount(buy(50, "30"), small({ NVDA: [6, "180"] }))).toEqual({ quantity: 0, reason: "small allows $200 per position, $180 of NVDA is held; one NVDA is $30" });
  });

  it("caps by cash, counting the pre-trade check's slippage and commission", () => {
    const poor = account({ phase: "small", equity: new Dec("1000"), cash: new Dec("41"), commission: new Dec("1"), slippageBps: 5 });
    // (41 − 1) / (20 × 1.0005) = 1.999…: one share, not two.
    expect(sizeForAccount(buy(5, "20"), poor)).toEqual({ quantity: 1, reason: "sized 1 of 5: cash is $41; one NVDA is $20" });
    expect(sizeForAccount(buy(5, "20"), { ...poor, cash: new Dec("20.50") }).quantity).toBe(0);
  });

  it("caps by the concentration limit", () => {
    const thin = account({ phase: "small", equity: new Dec("100.50"), cash: new Dec("100.50") });
    expect(sizeForAccount(buy(5, "20"), thin)).toEqual({ quantity: 1, reason: "sized 1 of 5: NVDA may be 30% of equity, $30.15; one NVDA is $20" });
  });

  it("sizes nothing without a price, or in a phase that places no orders", () => {
    expect(sizeForAccount({ side: "BUY", ticker: "NVDA", price: null, quantity: 3 }, account())).toEqual({ quantity: 0, reason: "no price is known for NVDA" });
    expect(sizeForAccount(buy(3), account({ phase: "live-prep" }))).toEqual({ quantity: 0, reason: "phase live-prep places no orders" });
  });

  it("sells what each account holds when the chair sells everything, and a live account never more than it holds", () => {
    const sell = (quantity: number, sellAll = false): SizingDecision => ({ side: "SELL", ticker: "NVDA", price: new Dec("181.20"), quantity, sellAll });
    const holding = account({ held: { NVDA: [1, "181.20"] } });
    expect(sizeForAccount(sell(10, true), holding)).toEqual({ quantity: 1, reason: "sells the 1 held" });
    expect(sizeForAccount(sell(10), holding)).toEqual({ quantity: 1, reason: "sells the 1 held" });
    expect(sizeForAccount(sell(10, true), account())).toEqual({ quantity: 0, reason: "holds no NVDA" });
    expect(sizeForAccount(sell(10, true), account({ mode: "shadow", phase: "shadow", held: { NVDA: [10, "1812"] } }))).toEqual({ quantity: 10, reason: null });
    // An operator's shadow SELL keeps its quantity: the shadow side's own pre-trade check answers it.
    expect(sizeForAccount(sell(3), account({ mode: "shadow", phase: "shadow" }))).toEqual({ quantity: 3, reason: null });
  });
});
