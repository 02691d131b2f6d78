import { describe, expect, it } from "vitest";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import type { Broker, SubmitResult } from "../../src/app/ports/broker.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();

/** A broker whose next answers are scripted: `"timeout"` throws as a network timeout would. */
function scriptedBroker(script: (SubmitResult | "timeout")[]): Broker & { calls: number } {
  const broker = {
    name: "kis" as const,
    fillsInline: false,
    calls: 0,
    submit() {
      broker.calls += 1;
      const next = script.shift() ?? "timeout";
      return next === "timeout" ? Promise.reject(new Error("timeout after 10000 ms")) : Promise.resolve(next);
    },
    cancel: () => Promise.resolve(true),
    quote: () => Promise.resolve(undefined),
    positions: () => Promise.resolve([]),
    fills: () => Promise.resolve([]),
  };
  return broker;
}

describe("broker failures and the api_error trigger", () => {
  it("three failed calls in a row halt the account; an answer in between resets the count; nothing is resubmitted", async () => {
    const account = await createAccount(db.dataSource, { name: "Live-ish", live: { phase: "small" } });
    await price(db.dataSource, "KIS", "50", new Date(MARKET_OPEN.getTime() - 30_000));
    const broker = scriptedBroker(["timeout", "timeout", { status: "accepted", brokerOrderId: "0000001" }, "timeout", "timeout", "timeout"]);
    const deps = executionDeps(db.dataSource, { kisBroker: broker });
    const errors = async () => (await db.dataSource.query<{ n: number; state: string; trigger: string | null }[]>(`SELECT consecutive_api_errors AS n, state, trigger FROM kill_switch_states WHERE account_id = $1`, [account]))[0]!;
    let n = 0;
    const buy = () => executeOrder(deps, { accountId: account, idempotencyKey: `k-${++n}`, source: "operator", side: "BUY", ticker: "KIS", quantity: 1, requestedBy: "tg:1" });

    expect((await buy()).status).toBe("unknown");
    expect((await buy()).status).toBe("unknown");
    expect(await errors()).toMatchObject({ n: 2, state: "ACTIVE" });
    expect((await buy()).status).toBe("resting");
    expect(await errors()).toMatchObject({ n: 0, state: "ACTIVE" });
    for (let i = 0; i < 3; i += 1) expect((await buy()).status).toBe("unknown");
    expect(await errors()).toEqual({ n: 3, state: "HALTED", trigger: "api_error" });
    expect(broker.calls).toBe(6); // each order reached the broker once: an unclear answer is never resubmitted

    const refused = await buy();
    expect(refused).toMatchObject({ status: "refused", refusals: [{ code: "kill_switch_halted" }] });
    expect(broker.calls).toBe(6);
    const unknown = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND status = 'unknown'`, [account]);
    expect(unknown[0]!.n).toBe(5);
  });
});
