import { describe, expect, it } from "vitest";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { reconcilePositions } from "../../src/app/broker/reconcile-positions.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps } from "../support/desk.js";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";

const db = useTestDatabase();

describe("position reconciliation", () => {
  it("a match changes nothing; a difference halts the account, alerts, and refuses new orders until resumed", async () => {
    const account = await createAccount(db.dataSource, { name: "Live" });
    await holdPosition(db.dataSource, account, "NKE", 10, "100");
    await price(db.dataSource, "NKE", "100", new Date(MARKET_OPEN.getTime() - 30_000));
    const notifier = new RecordingNotifier();
    const killSwitch = killSwitchDeps(db.dataSource, { notifier });
    const desk = new DeskReaderRepository(db.dataSource);
    let held = [{ ticker: "NKE", quantity: 10 }];
    const broker = { positions: () => Promise.resolve(held) };

    expect(await reconcilePositions({ broker, desk, killSwitch }, account)).toEqual({ outcome: "match", positions: 1 });
    held = [{ ticker: "NKE", quantity: 8 }, { ticker: "ORCL", quantity: 5 }];
    expect(await reconcilePositions({ broker, desk, killSwitch }, account)).toEqual({
      outcome: "mismatch",
      differences: [{ ticker: "NKE", desk: 10, broker: 8 }, { ticker: "ORCL", desk: 0, broker: 5 }],
    });
    const [state] = await db.dataSource.query<{ state: string; reason: string; actor: string }[]>(`SELECT state, reason, actor FROM kill_switch_states WHERE account_id = $1`, [account]);
    expect(state).toEqual({ state: "HALTED", reason: "broker positions differ from the desk's: NKE desk 10, broker 8; ORCL desk 0, broker 5", actor: "system:reconciliation" });
    expect(notifier.alerts.map((a) => a.kind)).toEqual(["halted"]);

    const refused = await executeOrder(executionDeps(db.dataSource), { accountId: account, idempotencyKey: "after", source: "operator", side: "BUY", ticker: "NKE", quantity: 1, requestedBy: "tg:1" });
    expect(refused).toMatchObject({ status: "refused", refusals: [{ code: "kill_switch_halted" }] });
  });

  it("a broker that cannot be asked counts toward api_error and concludes nothing", async () => {
    const account = await createAccount(db.dataSource, { name: "Silent" });
    const broker = { positions: () => Promise.reject(new Error("KIS: timeout")) };
    const result = await reconcilePositions({ broker, desk: new DeskReaderRepository(db.dataSource), killSwitch: killSwitchDeps(db.dataSource) }, account);
    expect(result).toEqual({ outcome: "broker_unreachable", detail: "KIS: timeout" });
    const [row] = await db.dataSource.query<{ n: number; state: string }[]>(`SELECT consecutive_api_errors AS n, state FROM kill_switch_states WHERE account_id = $1`, [account]);
    expect(row).toEqual({ n: 1, state: "ACTIVE" });
  });
});
