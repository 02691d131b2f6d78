import { describe, expect, it } from "vitest";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import type { Config } from "../../src/config/load.js";
import { brokersByAccount, kisBroker } from "../../src/main/brokers.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();
const noKis = { broker: { kis: { env: "paper", appKey: undefined, appSecret: undefined, accountNo: undefined, accountProductCode: "01" } } } as unknown as Config;

describe("brokers by account", () => {
  it("paper accounts fill on the paper broker; a KIS account without KIS configured is rejected with the reason and nothing is counted", async () => {
    const paper = await createAccount(db.dataSource, { name: "Paper" });
    const live = await createAccount(db.dataSource, { name: "Live", cash: "1000", live: { phase: "small" } });
    await price(db.dataSource, "NKE", "50", new Date(MARKET_OPEN.getTime() - 30_000));
    const base = executionDeps(db.dataSource);
    const deps = { ...base, brokers: brokersByAccount(db.dataSource, base.broker, kisBroker(noKis, undefined)) };
    const buy = (accountId: string, key: string) => executeOrder(deps, { accountId, idempotencyKey: key, source: "operator", side: "BUY", ticker: "NKE", quantity: 1, requestedBy: "tg:1" });

    expect((await buy(paper, "p")).status).toBe("filled");
    const rejected = await buy(live, "l");
    expect(rejected).toMatchObject({ status: "rejected", reason: "KIS is not configured in this process (missing KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT_NO, Redis): nothing was sent" });
    const [state] = await db.dataSource.query<{ n: number }[]>(`SELECT consecutive_api_errors AS n FROM kill_switch_states WHERE account_id = $1`, [live]);
    expect(state!.n).toBe(0);
  });
});
