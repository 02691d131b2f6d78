import { describe, expect, it } from "vitest";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { ensureShadowAccount, SHADOW_ARMED_REASON } from "../../src/app/accounts/ensure-shadow-account.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase, type TestDatabase } from "../support/database.js";

// Each case needs an installation of its own: one empty database per case.
const fresh = useTestDatabase();
const raced = useTestDatabase();
const existing = useTestDatabase();

const seed = (db: TestDatabase) => ensureShadowAccount({ accounts: new AccountRepository(db.dataSource) }, { startingCapital: "100000" });

async function accounts(db: TestDatabase): Promise<Record<string, string>[]> {
  return db.dataSource.query(
    `SELECT a.name, a.mode, a.broker, a.phase, a.starting_capital::text, a.cash::text, a.phase_start_equity::text, k.state, k.reason
     FROM accounts a LEFT JOIN kill_switch_states k ON k.account_id = a.id ORDER BY a.created_at`,
  );
}

describe("the shadow account of a new installation", () => {
  it("an empty database gets one shadow account with $100,000, armed; a second call creates nothing", async () => {
    const first = await seed(fresh);
    expect(first).toMatchObject({ created: true, name: "shadow" });
    const shadow = {
      name: "shadow",
      mode: "shadow",
      broker: "paper",
      phase: "shadow",
      starting_capital: "100000.00",
      cash: "100000.00",
      phase_start_equity: "100000.0000",
      state: "ACTIVE",
      reason: SHADOW_ARMED_REASON,
    };
    expect(await accounts(fresh)).toEqual([shadow]);
    const [audit] = await fresh.dataSource.query(`SELECT actor, action, account_id FROM audit_log`);
    expect(audit).toEqual({ actor: "system:seed", action: "account.created", account_id: first.created ? first.accountId : "?" });

    expect(await seed(fresh)).toEqual({ created: false });
    expect(await accounts(fresh)).toEqual([shadow]);
  });

  it("two processes starting at once on an empty database create one account", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => seed(raced)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await accounts(raced)).toMatchObject([{ name: "shadow", state: "ACTIVE" }]);
  });

  it("a database with any account gets nothing", async () => {
    await createAccount(existing.dataSource, { name: "desk-1", state: "HALTED" });
    expect(await seed(existing)).toEqual({ created: false });
    expect((await accounts(existing)).map((a) => a.name)).toEqual(["desk-1"]);
  });
});
