import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { isRiskReducing, type OrderIntent, preTradeChecks, type PreTradeContext, type RefusalCode } from "../../src/domain/risk/pre-trade.js";

const NOW = new Date("2026-03-10T19:00:00Z"); // Tuesday 15:00 EDT, market open

/** Defaults: shadow phase, $100,000 equity and cash, ACTIVE, a fresh $100 price, no positions. */
function context(overrides: Partial<PreTradeContext> = {}): PreTradeContext {
  return {
    killSwitch: "ACTIVE",
    phase: "shadow",
    equity: new Dec("100000"),
    cash: new Dec("100000"),
    phaseStartEquity: new Dec("100000"),
    positions: new Map(),
    lastPrice: new Dec("100"),
    priceTime: NOW,
    marketOpen: true,
    ordersToday: 0,
    duplicate: false,
    commission: new Dec(0),
    slippageBps: 0,
    now: NOW,
    limits: { concentrationPct: 30, dailyTradeLimit: 20, priceCollarPct: 10, staleDataSeconds: 300 },
    ...overrides,
  };
}

/** Defaults: a market BUY of 10 AAPL. */
function order(overrides: Partial<OrderIntent> = {}): OrderIntent {
  return { side: "BUY", ticker: "AAPL", quantity: 10, orderType: "market", limitPrice: null, ...overrides };
}

function holding(...entries: [ticker: string, quantity: number, value: string][]): PreTradeContext["positions"] {
  return new Map(entries.map(([ticker, quantity, value]) => [ticker, { quantity, value: new Dec(value) }]));
}

function limit(price: string): Partial<OrderIntent> {
  return { orderType: "limit", limitPrice: new Dec(price) };
}

const codes = (o: OrderIntent, c: PreTradeContext): RefusalCode[] => preTradeChecks(o, c).map((r) => r.code);

describe("preTradeChecks baseline", () => {
  it("lets an ordinary BUY through with the default context (nothing refuses)", () => {
    expect(preTradeChecks(order(), context())).toEqual([]);
  });
});

describe("duplicate: an order with the same idempotency key is refused", () => {
  it("refuses a duplicate", () => {
    expect(preTradeChecks(order(), context({ duplicate: true }))).toEqual([
      { code: "duplicate", message: "an order with this idempotency key already exists" },
    ]);
  });

  it("refuses a duplicate even when it is a risk-reducing SELL", () => {
    expect(codes(order({ side: "SELL", quantity: 5 }), context({ duplicate: true, positions: holding(["AAPL", 10, "1000"]) }))).toEqual(["duplicate"]);
  });

  it("passes the same order when the key is new", () => {
    expect(codes(order(), context({ duplicate: false }))).toEqual([]);
  });
});

describe("kill switch: HALTED refuses exposure but lets risk-reducing sells through", () => {
  it("refuses a BUY while HALTED", () => {
    expect(preTradeChecks(order(), context({ killSwitch: "HALTED" }))).toEqual([{ code: "kill_switch_halted", message: "trading is halted" }]);
  });

  it("lets a SELL of held shares through while HALTED (risk-reducing)", () => {
    const c = context({ killSwitch: "HALTED", positions: holding(["AAPL", 10, "1000"]) });
    const o = order({ side: "SELL", quantity: 10 });
    expect(isRiskReducing(o, c)).toBe(true);
    expect(preTradeChecks(o, c)).toEqual([]);
  });

  it("refuses a SELL of more than held while HALTED: insufficient_position (and not risk-reducing, so halted too)", () => {
    const c = context({ killSwitch: "HALTED", positions: holding(["AAPL", 10, "1000"]) });
    const o = order({ side: "SELL", quantity: 11 });
    expect(isRiskReducing(o, c)).toBe(false);
    const refusals = preTradeChecks(o, c);
    expect(refusals[0]).toEqual({ code: "insufficient_position", message: "cannot sell 11 AAPL: the account holds 10 (short selling is not allowed)" });
    expect(refusals.map((r) => r.code)).toContain("kill_switch_halted");
  });

  it("passes a BUY when ACTIVE", () => {
    expect(codes(order(), context({ killSwitch: "ACTIVE" }))).toEqual([]);
  });
});

describe("kill switch: an UNKNOWN state fails closed", () => {
  it("refuses a BUY when the state could not be read", () => {
    expect(preTradeChecks(order(), context({ killSwitch: "UNKNOWN" }))).toEqual([
      { code: "kill_switch_unknown", message: "the kill-switch state could not be read, so trading is treated as halted" },
    ]);
  });

  it("still lets a SELL of held shares through when the state is UNKNOWN", () => {
    expect(codes(order({ side: "SELL", quantity: 3 }), context({ killSwitch: "UNKNOWN", positions: holding(["AAPL", 3, "300"]) }))).toEqual([]);
  });
});

describe("insufficient_position: no short selling", () => {
  it("refuses selling a ticker the account does not hold", () => {
    expect(preTradeChecks(order({ side: "SELL", quantity: 1, ticker: "NVDA" }), context({ positions: holding(["AAPL", 10, "1000"]) }))[0]).toEqual({
      code: "insufficient_position",
      message: "cannot sell 1 NVDA: the account holds 0 (short selling is not allowed)",
    });
  });

  it("passes selling exactly the held quantity", () => {
    expect(codes(order({ side: "SELL", quantity: 10 }), context({ positions: holding(["AAPL", 10, "1000"]) }))).toEqual([]);
  });
});

describe("price_collar: a limit more than 10% from the last price is refused", () => {
  it.each(["110", "90"])("passes a limit of %s, exactly 10% from 100", (price) => {
    expect(codes(order(limit(price)), context())).toEqual([]);
  });

  it.each(["110.01", "89.99"])("refuses a limit of %s, 10.01% from 100", (price) => {
    expect(codes(order(limit(price)), context())).toEqual(["price_collar"]);
  });

  it("states the limit, the distance and the collar", () => {
    expect(preTradeChecks(order(limit("120")), context())).toEqual([
      { code: "price_collar", message: "limit 120.00 is 20.00% from the last price 100.00 (collar 10%)" },
    ]);
  });

  it("is exact with decimal prices: 0.33 vs 0.30 is exactly 10% (binary floats say 10.000000000000009%)", () => {
    expect(codes(order(limit("0.33")), context({ lastPrice: new Dec("0.3") }))).toEqual([]);
    expect(codes(order(limit("0.27")), context({ lastPrice: new Dec("0.3") }))).toEqual([]);
    expect(codes(order(limit("0.3301")), context({ lastPrice: new Dec("0.3") }))).toEqual(["price_collar"]);
  });

  it("applies to a risk-reducing SELL too", () => {
    const c = context({ killSwitch: "HALTED", positions: holding(["AAPL", 10, "1000"]) });
    expect(codes(order({ side: "SELL", quantity: 10, ...limit("89.99") }), c)).toEqual(["price_collar"]);
    expect(codes(order({ side: "SELL", quantity: 10, ...limit("90") }), c)).toEqual([]);
  });
});

describe("stale_price: during market hours a price older than 300 s is refused", () => {
  it("passes a price exactly 300 s old", () => {
    expect(codes(order(), context({ priceTime: new Date(NOW.getTime() - 300_000) }))).toEqual([]);
  });

  it("refuses a price 300.001 s old", () => {
    expect(preTradeChecks(order(), context({ priceTime: new Date(NOW.getTime() - 300_001) }))).toEqual([
      { code: "stale_price", message: "the last AAPL price is older than 300 s" },
    ]);
  });

  it("passes an old price while the market is closed", () => {
    expect(codes(order(), context({ marketOpen: false, priceTime: new Date(NOW.getTime() - 86_400_000) }))).toEqual([]);
  });
});

describe("no_price: an order for a ticker without a price is refused", () => {
  it("refuses when no price is known", () => {
    expect(preTradeChecks(order(), context({ lastPrice: null, priceTime: null }))).toEqual([{ code: "no_price", message: "no price is known for AAPL" }]);
  });

  it("refuses a limit order without a last price as well (the collar cannot be checked)", () => {
    expect(codes(order(limit("100")), context({ lastPrice: null, priceTime: null }))).toEqual(["no_price"]);
  });

  it("passes once a price is known", () => {
    expect(codes(order(), context({ lastPrice: new Dec("100") }))).toEqual([]);
  });
});

describe("daily_trade_limit: with 20 orders already today the 21st is refused", () => {
  it("refuses the 21st order", () => {
    expect(preTradeChecks(order(), context({ ordersToday: 20 }))).toEqual([{ code: "daily_trade_limit", message: "20 orders already today (limit 20)" }]);
  });

  it("passes the 20th order (19 already today)", () => {
    expect(codes(order(), context({ ordersToday: 19 }))).toEqual([]);
  });

  it("does not stop a risk-reducing SELL", () => {
    expect(codes(order({ side: "SELL", quantity: 1 }), context({ ordersToday: 25, positions: holding(["AAPL", 1, "100"]) }))).toEqual([]);
  });
});

describe("buying_power: notional x (1 + slippage bps) + commission must not exceed cash", () => {
  // 10 x 100 = 1000; x 1.0005 (5 bps) = 1000.5; + 1.25 commission = 1001.75
  const costly = { slippageBps: 5, commission: new Dec("1.25") };

  it("passes when cash is exactly the cost (1001.75)", () => {
    expect(codes(order(), context({ ...costly, cash: new Dec("1001.75") }))).toEqual([]);
  });

  it("refuses a cent short (1001.74), stating the exact cost", () => {
    expect(preTradeChecks(order(), context({ ...costly, cash: new Dec("1001.74") }))).toEqual([
      { code: "buying_power", message: "needs about $1001.75, cash is $1001.74" },
    ]);
  });

  it("costs a limit order at its limit price", () => {
    // 10 x 105 = 1050; x 1.0005 = 1050.525; + 1.25 = 1051.775
    expect(codes(order(limit("105")), context({ ...costly, cash: new Dec("1051.775") }))).toEqual([]);
    expect(codes(order(limit("105")), context({ ...costly, cash: new Dec("1051.774") }))).toEqual(["buying_power"]);
  });

  it("is exact with decimal prices: 3 x 0.1 fits cash 0.3 (binary floats give 0.30000000000000004)", () => {
    expect(codes(order({ quantity: 3 }), context({ lastPrice: new Dec("0.1"), cash: new Dec("0.3") }))).toEqual([]);
    expect(codes(order({ quantity: 3 }), context({ lastPrice: new Dec("0.1"), cash: new Dec("0.29999") }))).toEqual(["buying_power"]);
  });

  it("includes fractional slippage exactly: 3 x 33.33 x 1.001 + 0.01 = 100.09999", () => {
    const c = { lastPrice: new Dec("33.33"), slippageBps: 10, commission: new Dec("0.01") };
    expect(codes(order({ quantity: 3 }), context({ ...c, cash: new Dec("100.09999") }))).toEqual([]);
    expect(codes(order({ quantity: 3 }), context({ ...c, cash: new Dec("100.09998") }))).toEqual(["buying_power"]);
  });
});

describe("concentration: the position after the trade must not exceed 30% of equity", () => {
  it("passes at exactly 30% (300 x 100 of 100000)", () => {
    expect(codes(order({ quantity: 300 }), context())).toEqual([]);
  });

  it("passes at exactly 30% counting the shares already held (20000 held + 100 x 100)", () => {
    expect(codes(order({ quantity: 100 }), context({ positions: holding(["AAPL", 200, "20000"]) }))).toEqual([]);
  });

  it("refuses just over 30% (20000.01 held + 10000)", () => {
    expect(codes(order({ quantity: 100 }), context({ positions: holding(["AAPL", 200, "20000.01"]) }))).toEqual(["concentration"]);
  });

  it("refuses 30.1% and states it", () => {
    expect(preTradeChecks(order({ quantity: 301 }), context())).toEqual([{ code: "concentration", message: "AAPL would be 30.10% of equity (limit 30%)" }]);
  });

  it("does not count other tickers toward this ticker's concentration", () => {
    expect(codes(order({ quantity: 300 }), context({ positions: holding(["NVDA", 250, "25000"]) }))).toEqual([]);
  });

  it("refuses any exposure when equity is not positive", () => {
    expect(preTradeChecks(order({ quantity: 1 }), context({ equity: new Dec(0) }))).toEqual([
      { code: "concentration", message: "AAPL would be ∞% of equity (limit 30%)" },
    ]);
  });
});

describe("phase live-prep: a checklist phase places no orders that add exposure", () => {
  it("refuses a BUY", () => {
    expect(preTradeChecks(order({ quantity: 1 }), context({ phase: "live-prep" }))).toEqual([
      { code: "phase_no_trading", message: "phase live-prep places no orders (checklist only)" },
    ]);
  });

  it("refuses a SELL of more than held", () => {
    expect(codes(order({ side: "SELL", quantity: 2 }), context({ phase: "live-prep", positions: holding(["AAPL", 1, "100"]) }))).toEqual(
      expect.arrayContaining(["insufficient_position", "phase_no_trading"]),
    );
  });

  it("lets a risk-reducing SELL through", () => {
    expect(codes(order({ side: "SELL", quantity: 1 }), context({ phase: "live-prep", positions: holding(["AAPL", 1, "100"]) }))).toEqual([]);
  });

  it("binds a live account, while a shadow account whose record reached live-prep keeps trading on paper under shadow's limits", () => {
    expect(codes(order({ quantity: 1 }), context({ phase: "live-prep", mode: "live" }))).toEqual(["phase_no_trading"]);
    expect(codes(order({ quantity: 1 }), context({ phase: "live-prep", mode: "shadow" }))).toEqual([]);
    // A shadow account is never held to micro's one share either: those limits are for real money.
    expect(codes(order({ quantity: 5 }), context({ phase: "micro", mode: "shadow" }))).toEqual([]);
    expect(codes(order({ quantity: 5 }), context({ phase: "micro", mode: "live" }))).toEqual(expect.arrayContaining(["phase_order_quantity"]));
  });
});

describe("phase micro: 1 share per order, $100 of exposure, stop after a $10 loss", () => {
  const micro = (overrides: Partial<PreTradeContext> = {}) =>
    context({ phase: "micro", equity: new Dec("1000"), cash: new Dec("1000"), phaseStartEquity: new Dec("1000"), lastPrice: new Dec("10"), ...overrides });

  it("passes 1 share", () => {
    expect(codes(order({ quantity: 1 }), micro())).toEqual([]);
  });

  it("refuses 2 shares", () => {
    expect(preTradeChecks(order({ quantity: 2 }), micro())).toEqual([{ code: "phase_order_quantity", message: "phase micro allows 1 share(s) per order" }]);
  });

  it("passes exposure of exactly $100 (0.1 + 0.2 held + 99.70 bought, exactly in decimals)", () => {
    const c = micro({ lastPrice: new Dec("99.7"), positions: holding(["X", 1, "0.1"], ["Y", 1, "0.2"]) });
    expect(codes(order({ quantity: 1 }), c)).toEqual([]);
  });

  it("refuses exposure over $100, counting every held position", () => {
    const c = micro({ lastPrice: new Dec("99.71"), positions: holding(["X", 1, "0.1"], ["Y", 1, "0.2"]) });
    expect(preTradeChecks(order({ quantity: 1 }), c)).toEqual([{ code: "phase_capital", message: "exposure would be $100.01, phase micro allows $100.00" }]);
  });

  it("refuses once the loss since the phase began reaches $10", () => {
    expect(preTradeChecks(order({ quantity: 1 }), micro({ equity: new Dec("990") }))).toEqual([
      { code: "phase_loss_limit", message: "the loss since phase micro began reached $10.00: trading stops" },
    ]);
  });

  it("passes a loss of $9.99", () => {
    expect(codes(order({ quantity: 1 }), micro({ equity: new Dec("990.01") }))).toEqual([]);
  });

  it("lets a risk-reducing SELL through after the loss limit", () => {
    expect(codes(order({ side: "SELL", quantity: 1 }), micro({ equity: new Dec("900"), positions: holding(["AAPL", 1, "10"]) }))).toEqual([]);
  });
});

describe("phase small: $200 per position (and $1000 of exposure)", () => {
  const small = (overrides: Partial<PreTradeContext> = {}) =>
    context({ phase: "small", equity: new Dec("5000"), cash: new Dec("5000"), phaseStartEquity: new Dec("5000"), ...overrides });

  it("passes a position of exactly $200 (150 held + 1 x 50)", () => {
    expect(codes(order({ quantity: 1 }), small({ lastPrice: new Dec("50"), positions: holding(["AAPL", 3, "150"]) }))).toEqual([]);
  });

  it("refuses a position over $200 (150 held + 1 x 50.01)", () => {
    expect(preTradeChecks(order({ quantity: 1 }), small({ lastPrice: new Dec("50.01"), positions: holding(["AAPL", 3, "150"]) }))).toEqual([
      { code: "phase_position_size", message: "AAPL would be $200.01, phase small allows $200.00 per position" },
    ]);
  });

  it("refuses total exposure over $1000 even when each position is within $200", () => {
    // 4 x 200 + 150 held = 950; + 1 x 50.01 = 1000.01 (the new AAPL position is only $50.01)
    const c = small({ lastPrice: new Dec("50.01"), positions: holding(["A", 1, "200"], ["B", 1, "200"], ["C", 1, "200"], ["D", 1, "200"], ["E", 1, "150"]) });
    expect(preTradeChecks(order({ quantity: 1 }), c)).toEqual([{ code: "phase_capital", message: "exposure would be $1000.01, phase small allows $1000.00" }]);
    expect(codes(order({ quantity: 1 }), { ...c, lastPrice: new Dec("50") })).toEqual([]);
  });

  it("allows many shares per order (no per-order share limit)", () => {
    expect(codes(order({ quantity: 20 }), small({ lastPrice: new Dec("10") }))).toEqual([]);
  });
});

describe("invalid_quantity and fail-closed price time", () => {
  it.each([0, -5, 1.5, Number.NaN, 2 ** 60])("refuses quantity %s before anything else, even a SELL while halted", (quantity) => {
    const halted = context({ killSwitch: "HALTED" });
    expect(codes(order({ side: "SELL", quantity }), halted)).toEqual(["invalid_quantity"]);
    expect(codes(order({ quantity }), context())).toEqual(["invalid_quantity"]);
  });

  it("treats a price without a time as stale while the market is open, and says so", () => {
    expect(preTradeChecks(order(), context({ priceTime: null, marketOpen: true }))).toEqual([{ code: "stale_price", message: "the last AAPL price has no time" }]);
    expect(codes(order(), context({ priceTime: null, marketOpen: false }))).toEqual([]);
  });

  it("rounds a refusal's percentage away from the limit: 10.001% never reads as 10.00%", () => {
    expect(preTradeChecks(order(limit("110.001")), context())[0]?.message).toBe("limit 110.00 is 10.01% from the last price 100.00 (collar 10%)");
  });
});

describe("a calendar that cannot vouch for today", () => {
  it("refuses what adds exposure and lets a sell of held shares out (fail closed, exits still work)", () => {
    expect(codes(order(), context({ calendarVouched: false }))).toEqual(["calendar_unknown"]);
    const held = new Map([["AAPL", { quantity: 10, value: new Dec("1000") }]]);
    expect(codes(order({ side: "SELL", quantity: 10 }), context({ calendarVouched: false, positions: held }))).toEqual([]);
    expect(codes(order(), context())).toEqual([]);
  });
});

describe("the broker's own buying power (live accounts)", () => {
  it("refuses a BUY whose cost or quantity it does not cover, and a BUY without it when it could not be read", () => {
    expect(codes(order(), context({ brokerBuyingPower: { cash: new Dec("100000"), maxQuantity: 10 } }))).toEqual([]);
    expect(codes(order(), context({ brokerBuyingPower: { cash: new Dec("1000"), maxQuantity: 10 } }))).toEqual([]);
    expect(preTradeChecks(order(), context({ brokerBuyingPower: { cash: new Dec("999.99"), maxQuantity: 10 } }))).toEqual([{ code: "broker_buying_power", message: "needs about $1000.00, the broker lets this account buy for $999.99" }]);
    expect(codes(order(), context({ brokerBuyingPower: { cash: new Dec("100000"), maxQuantity: 9 } }))).toEqual(["broker_buying_power"]);
    expect(preTradeChecks(order(), context({ brokerBuyingPower: { error: "KIS: no clear answer" } }))[0]?.message).toContain("could not be read (KIS: no clear answer)");
  });
});

describe("every RefusalCode is reachable", () => {
  // A Record over RefusalCode: adding a code without a scenario here fails the type check.
  const scenarios: Record<RefusalCode, [OrderIntent, PreTradeContext]> = {
    invalid_quantity: [order({ quantity: 0 }), context()],
    kill_switch_halted: [order(), context({ killSwitch: "HALTED" })],
    kill_switch_unknown: [order(), context({ killSwitch: "UNKNOWN" })],
    phase_no_trading: [order(), context({ phase: "live-prep" })],
    phase_order_quantity: [order({ quantity: 2 }), context({ phase: "micro", lastPrice: new Dec("1") })],
    phase_capital: [order({ quantity: 1 }), context({ phase: "micro", lastPrice: new Dec("100.01") })],
    phase_position_size: [order({ quantity: 3 }), context({ phase: "small", lastPrice: new Dec("67") })],
    phase_loss_limit: [order({ quantity: 1 }), context({ phase: "micro", equity: new Dec("99990") })],
    concentration: [order({ quantity: 301 }), context()],
    daily_trade_limit: [order(), context({ ordersToday: 20 })],
    buying_power: [order(), context({ cash: new Dec("999.99") })],
    broker_buying_power: [order(), context({ brokerBuyingPower: { cash: new Dec("999.99"), maxQuantity: 100 } })],
    insufficient_position: [order({ side: "SELL" }), context()],
    price_collar: [order(limit("110.01")), context()],
    no_price: [order(), context({ lastPrice: null, priceTime: null })],
    stale_price: [order(), context({ priceTime: new Date(NOW.getTime() - 301_000) })],
    duplicate: [order(), context({ duplicate: true })],
    calendar_unknown: [order(), context({ calendarVouched: false })],
  };

  it.each(Object.entries(scenarios))("%s is produced by its scenario", (code, [o, c]) => {
    expect(codes(o, c)).toContain(code);
  });
});
