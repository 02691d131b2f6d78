import { describe, expect, it } from "vitest";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, price } from "../support/desk.js";

const db = useTestDatabase();
// Monday 2100-03-01, 11:00 New York: a weekday in a year the NYSE's rules are not vouched for.
const NOW = new Date("2100-03-01T16:00:00Z");

describe("an order on a day the market calendar cannot vouch for", () => {
  it("is refused when it adds exposure; a sell of held shares and a replay still go", async () => {
    const account = await createAccount(db.dataSource);
    await holdPosition(db.dataSource, account, "NVDA", 5, "100");
    await price(db.dataSource, "NVDA", "100", new Date(NOW.getTime() - 30_000));
    const deps = executionDeps(db.dataSource, { clock: { now: () => NOW } });
    const base = { accountId: account, ticker: "NVDA", quantity: 1, requestedBy: "tg:1" } as const;

    const buy = await executeOrder(deps, { ...base, idempotencyKey: "cal-buy", source: "operator", side: "BUY" });
    expect(buy).toMatchObject({ status: "refused", refusals: [{ code: "calendar_unknown" }] });

    expect((await executeOrder(deps, { ...base, idempotencyKey: "cal-sell", source: "operator", side: "SELL" })).status).toBe("filled");
    expect((await executeOrder(deps, { ...base, idempotencyKey: "cal-replay", source: "replay", side: "BUY" })).status).toBe("filled");
  });
});
