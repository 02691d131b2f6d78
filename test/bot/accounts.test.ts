import { beforeEach, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.js";
import { ADMIN, createTestBot, STRANGER, TRADER, TRADER_2, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, buttons, freshDesk } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let shadowId: string;
let liveId: string;

beforeEach(async () => {
  shadowId = await freshDesk(db.dataSource, redis, prefix);
  liveId = await createAccount(db.dataSource, { name: "live", cash: "1000", live: { phase: "micro" }, state: "HALTED" });
  await db.dataSource.query(`UPDATE accounts SET broker_account = '1234****-01' WHERE id = $1`, [liveId]);
  await db.dataSource.query(`UPDATE kill_switch_states SET trigger = 'manual', reason = 'new live account: arm it with /resume' WHERE account_id = $1`, [liveId]);
});

const defaults = async (): Promise<Record<string, string | null>> => {
  const rows: { telegram_user_id: string; default_account_id: string | null }[] = await db.dataSource.query(`SELECT telegram_user_id, default_account_id FROM operators`);
  return Object.fromEntries(rows.map((r) => [r.telegram_user_id, r.default_account_id]));
};

describe("/accounts", () => {
  it("lists each account: mode, broker and masked broker account, phase, equity, kill switch and trigger", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/accounts");
    const text = t.telegram.lastText(VIEWER);
    const [shadow, live, footer] = text.split("\n\n");
    expect(shadow!.split("\n")).toEqual([
      "📄 paper · Shadow",
      `mode shadow · broker paper · phase shadow · id <code>${shadowId.slice(0, 8)}</code>`,
      expect.stringMatching(/^equity \$100,000\.00 · kill switch 🟢 <b>ACTIVE<\/b> since /),
    ]);
    expect(live!.split("\n")).toEqual([
      "<b>🔴 LIVE · live</b> — real money",
      `mode live · broker kis <code>1234****-01</code> · phase micro · id <code>${liveId.slice(0, 8)}</code>`,
      expect.stringMatching(/^equity \$1,000\.00 · kill switch 🚨 <b>HALTED<\/b> since /),
      "why: new live account: arm it with /resume (<code>manual</code>)",
    ]);
    expect(footer).toContain("No default: a trading command asks when more than one account could be meant.");
  });

  it("marks the caller's default, and only the caller's", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use live");
    await t.send(TRADER, "/accounts");
    expect(t.telegram.lastText(TRADER)).toContain("<b>🔴 LIVE · live</b> — real money ⭐ your default");
    expect(t.telegram.lastText(TRADER)).toContain("⭐ Your default: <b>live</b>.");
    await t.send(TRADER_2, "/accounts");
    expect(t.telegram.lastText(TRADER_2)).not.toContain("⭐");
  });

  it("a stranger is denied", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(STRANGER, "/accounts");
    await t.send(STRANGER + 1, "/use live");
    expect(t.telegram.lastText(STRANGER)).toMatch(/^Access denied/);
    expect(t.telegram.lastText(STRANGER + 1)).toMatch(/^Access denied/);
    expect(t.telegram.texts(STRANGER).join()).not.toContain("Shadow");
    expect(await defaults()).toEqual({});
  });
});

describe("/use", () => {
  it("/use NAME sets the caller's default in PostgreSQL (case-insensitive, or an id prefix), and says so", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use LIVE");
    expect(t.telegram.lastText(TRADER)).toBe(
      "✅ Your default account is now 🔴 LIVE · live: /execute and /close go there unless they name another with @NAME.\n⚠️ That is REAL money; every live order still waits for a trader's press.",
    );
    await t.send(ADMIN, `/use ${shadowId.slice(0, 6)}`);
    expect(t.telegram.lastText(ADMIN)).toContain("✅ Your default account is now 📄 paper · Shadow");
    expect(await defaults()).toEqual({ [String(TRADER)]: liveId, [String(ADMIN)]: shadowId });
    // The row holding a configured operator's default grants nothing by itself.
    expect(await db.dataSource.query(`SELECT DISTINCT active FROM operators`)).toEqual([{ active: false }]);
    expect(await auditRows(db.dataSource)).toMatchObject([
      { actor: `tg:${TRADER}`, action: "tg.account.default", details: { account: "live" } },
      { actor: `tg:${ADMIN}`, action: "tg.account.default", details: { account: "Shadow" } },
    ]);
  });

  it("/use alone shows the default with a button per account; a press sets it", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use");
    const first = t.telegram.sent("sendMessage", TRADER).at(-1)!;
    expect(first.payload.text).toBe("You have no default account: a trading command asks when more than one account could be meant.\nPick one:");
    expect(buttons(first)).toEqual([`use:${shadowId}`, `use:${liveId}`]);
    await t.press(TRADER, `use:${shadowId}`);
    expect(t.telegram.lastText(TRADER)).toContain("✅ Your default account is now 📄 paper · Shadow");
    expect(await defaults()).toEqual({ [String(TRADER)]: shadowId });

    await t.send(TRADER, "/use");
    const second = t.telegram.sent("sendMessage", TRADER).at(-1)!;
    expect(String(second.payload.text).split("\n")[0]).toBe("Your default account: 📄 paper · Shadow. Trading commands go there unless they name another with @NAME.");
    expect(buttons(second)).toEqual([`use:${shadowId}`, `use:${liveId}`, "use:none"]);
    await t.press(TRADER, "use:none");
    expect(await defaults()).toEqual({ [String(TRADER)]: null });
  });

  it("/use none clears it", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use live");
    await t.send(TRADER, "/use none");
    expect(t.telegram.lastText(TRADER)).toBe("✅ You have no default account now: a trading command asks when more than one account could be meant.");
    expect(await defaults()).toEqual({ [String(TRADER)]: null });
  });

  it("an unknown name is a clear error listing the names; the default is unchanged", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use live");
    await t.send(TRADER, "/use <paper>");
    expect(t.telegram.lastText(TRADER)).toBe("❌ No account is called “&lt;paper&gt;”. Accounts: Shadow, live. Your default is unchanged.");
    await t.send(TRADER, "/use a b");
    expect(t.telegram.lastText(TRADER)).toContain("/use takes one account name");
    expect(await defaults()).toEqual({ [String(TRADER)]: liveId });
  });

  it("a viewer may set theirs (it decides nothing they could trade)", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/use shadow");
    expect(await defaults()).toEqual({ [String(VIEWER)]: shadowId });
  });

  it("deleting the account forgets the default, never the operator", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use live");
    await db.dataSource.query(`DELETE FROM kill_switch_states WHERE account_id = $1`, [liveId]);
    await db.dataSource.query(`DELETE FROM accounts WHERE id = $1`, [liveId]);
    expect(await defaults()).toEqual({ [String(TRADER)]: null });
  });
});
