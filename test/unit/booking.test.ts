import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { bookFill, type Booking, type BookingOrder, type FillContext, type FillReport } from "../../src/domain/orders/booking.js";

const d = (v: string) => new Dec(v);
const AT = new Date("2026-11-24T16:00:00Z");

function order(overrides: Partial<BookingOrder> = {}): BookingOrder {
  return { id: "o-1", accountId: "a-1", side: "BUY", ticker: "NVDA", quantity: 10, filledQuantity: 0, stopPrice: null, averageFillPrice: null, ...overrides };
}

function context(overrides: Partial<FillContext> = {}): FillContext {
  return { order: order(), accountCash: d("100000"), held: undefined, alreadyBooked: false, ...overrides };
}

function fill(quantity: number, price: string, commission = "1", id = "f-1"): FillReport {
  return { quantity, price: d(price), commission: d(commission), brokerFillId: id, at: AT };
}

function booked(booking: Booking): Extract<Booking, { kind: "booked" }> {
  if (booking.kind !== "booked") throw new Error("expected the fill to be booked");
  return booking;
}

/** Decimal fields as strings, so "98998.50" and "98998.5" compare equal by value. */
function plain(value: unknown): unknown {
  if (value instanceof Dec) return value.toString();
  if (value instanceof Date || value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

describe("bookFill", () => {
  it("books a new long: cash to the cent, cost with commission, a default stop under the entry, the order filled", () => {
    const result = booked(bookFill(context(), fill(10, "100.05"), 5, "B-1"));
    // 10 x 100.05 = 1000.50 + $1: cash 98998.50, cost 1001.50, average entry 100.15, stop 95.14 (5% under, to the cent).
    expect(plain(result.writes)).toEqual({
      orderId: "o-1",
      accountId: "a-1",
      ticker: "NVDA",
      position: { quantity: 10, costBasis: "1001.5", realizedPnl: "0", stopPrice: "95.14" },
      cashAfter: "98998.5",
      fill: { side: "BUY", quantity: 10, price: "100.05", commission: "1", realizedPnl: "0", brokerFillId: "f-1", at: AT },
      order: { filledQuantity: 10, averageFillPrice: "100.05", status: "filled", brokerOrderId: "B-1" },
    });
    expect(plain(result.recorded)).toEqual({
      orderId: "o-1",
      accountId: "a-1",
      ticker: "NVDA",
      side: "BUY",
      quantity: 10,
      price: "100.05",
      grossAmount: "1000.5",
      commission: "1",
      netAmount: "-1001.5",
      realizedPnl: "0",
      cashAfter: "98998.5",
      positionAfter: { quantity: 10, costBasis: "1001.5", stopPrice: "95.14" },
      orderStatus: "filled",
    });
  });

  it("averages the order's fill price over partial fills and leaves it partly filled until the last", () => {
    const first = booked(bookFill(context(), fill(4, "100", "0"), 5));
    expect(first.writes.order).toMatchObject({ filledQuantity: 4, status: "partially_filled", brokerOrderId: null });
    const second = booked(
      bookFill(
        context({ order: order({ filledQuantity: 4, averageFillPrice: d("100") }), held: { ticker: "NVDA", quantity: 4, costBasis: d("400"), realizedPnl: d("0"), stopPrice: d("95") } }),
        fill(6, "101.11", "0", "f-2"),
        5,
      ),
    );
    // (4 x 100 + 6 x 101.11) / 10 = 100.666, and the position keeps the stop it had.
    expect(plain(second.writes.order)).toEqual({ filledQuantity: 10, averageFillPrice: "100.666", status: "filled", brokerOrderId: null });
    expect(second.writes.position.stopPrice?.toString()).toBe("95");
  });

  it("keeps a BUY's own stop over the default", () => {
    const result = booked(bookFill(context({ order: order({ stopPrice: d("90") }) }), fill(10, "100"), 5));
    expect(result.writes.position.stopPrice?.toString()).toBe("90");
  });

  it("closes a long: realised P&L from the booked amounts, no stop on the flat position", () => {
    const held = { ticker: "NVDA", quantity: 20, costBasis: d("2000"), realizedPnl: d("0"), stopPrice: d("95") };
    const result = booked(bookFill(context({ order: order({ side: "SELL", quantity: 20 }), accountCash: d("1000"), held }), fill(20, "93.953"), 5));
    // 20 x 93.953 = 1879.06 - $1 = 1878.06 in; cost 2000 out: realised -121.94.
    expect(plain(result.writes.position)).toEqual({ quantity: 0, costBasis: "0", realizedPnl: "-121.94", stopPrice: null });
    expect(result.writes.cashAfter.toString()).toBe("2878.06");
    expect(result.recorded.realizedPnl.toString()).toBe("-121.94");
  });

  it("books the same broker fill once", () => {
    expect(bookFill(context({ alreadyBooked: true }), fill(10, "100"), 5)).toEqual({ kind: "already_booked" });
  });

  it("refuses a fill that overfills its order", () => {
    expect(() => bookFill(context({ order: order({ filledQuantity: 8 }) }), fill(3, "100"), 5)).toThrow("fill of 3 overfills order o-1");
  });

  it("refuses a fill that would take cash below zero, to the cent", () => {
    // 10 x 100 + $1 = 1001.00: 1000.99 is a cent short, 1001.00 is enough.
    expect(() => bookFill(context({ accountCash: d("1000.99") }), fill(10, "100"), 5)).toThrow("fill would take cash below zero (-0.01)");
    expect(booked(bookFill(context({ accountCash: d("1001") }), fill(10, "100"), 5)).writes.cashAfter.isZero()).toBe(true);
  });
});
