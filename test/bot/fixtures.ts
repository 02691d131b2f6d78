import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { createAccount } from "../support/accounts.js";
import type { TestBot } from "../support/bot.js";
import { MARKET_OPEN, price } from "../support/desk.js";
import type { RecordedCall } from "../support/telegram-recorder.js";

/** Shared fixtures of the bot tests: a clean desk per test, database reads, and what Telegram was sent. */

/** Thirty seconds before the clock: a fresh price (stale after 300 s). */
export const FRESH = new Date(MARKET_OPEN.getTime() - 30_000);

/**
 * Empties the file's database of everything an earlier test left (accounts and all that hangs
 * off them, the audit log), forgets dialogues in Redis, and creates the one account the bot
 * trades, "Shadow", with $100,000 and a fresh NKE price of 100. Returns the account id.
 */
export async function freshDesk(dataSource: DataSource, redis: Redis, prefix: string, options: { name?: string } = {}): Promise<string> {
  await dataSource.query(`TRUNCATE accounts, audit_log CASCADE`);
  // The override-code attempt counter is desk-wide: a fresh desk has none counted.
  await dataSource.query(`UPDATE override_code_guard SET attempts = 0, locked_until = NULL, last_wrong_at = NULL, last_wrong_by = NULL`);
  const keys = await redis.keys(`${prefix}conv:*`);
  if (keys.length > 0) await redis.del(...keys);
  const accountId = await createAccount(dataSource, { name: options.name ?? "Shadow", cash: "100000" });
  // The phase began on Monday: /phase reads day 2 whatever the wall clock says.
  await dataSource.query(`UPDATE accounts SET phase_started_at = '2026-11-23T15:00:00Z' WHERE id = $1`, [accountId]);
  await price(dataSource, "NKE", "100", FRESH);
  return accountId;
}

export interface OrderRow {
  id: string;
  side: string;
  ticker: string;
  quantity: number;
  status: string;
  proposal_id: string | null;
  requested_by: string;
}

export interface ProposalRow {
  id: string;
  side: string;
  ticker: string;
  quantity: number;
  order_type: string;
  limit_price: string | null;
  stop_price: string | null;
  status: string;
  requested_by: string;
  decided_by: string | null;
  messages: { chatId: number; messageId: number; shown: string }[];
}

export const orders = (ds: DataSource): Promise<OrderRow[]> =>
  ds.query(`SELECT id, side, ticker, quantity, status, proposal_id, requested_by FROM orders ORDER BY created_at`);

export const proposals = (ds: DataSource): Promise<ProposalRow[]> =>
  ds.query(
    `SELECT id, side, ticker, quantity, order_type, limit_price::float8::text AS limit_price, stop_price::float8::text AS stop_price,
            status, requested_by, decided_by, messages
     FROM proposals ORDER BY created_at`,
  );

export const auditRows = (ds: DataSource): Promise<{ actor: string; action: string; subject: string | null; details: Record<string, unknown> }[]> =>
  ds.query(`SELECT actor, action, subject, details FROM audit_log ORDER BY id`);

export const killSwitchRows = (ds: DataSource): Promise<{ account_id: string; state: string; reason: string; actor: string; trigger: string | null }[]> =>
  ds.query(`SELECT account_id, state, reason, actor, trigger FROM kill_switch_states ORDER BY account_id`);

export const killSwitchEvents = (ds: DataSource): Promise<{ event: string; actor: string; reason: string; details: Record<string, unknown> }[]> =>
  ds.query(`SELECT event, actor, reason, details FROM kill_switch_events ORDER BY id`);

/** Callback data of every inline button of a recorded call. */
export function buttons(call: RecordedCall): string[] {
  const markup = call.payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? "");
}

/** The copies of a proposal the board posted: sendMessage calls carrying its Approve button. */
export function proposalCopies(t: TestBot, proposalId: string): RecordedCall[] {
  return t.telegram.sent("sendMessage").filter((c) => buttons(c).includes(`ap:${proposalId}:a`));
}

/** The last edit of each chat's copy, by chat id. */
export function lastEdits(t: TestBot): Map<number, string> {
  const edits = new Map<number, string>();
  for (const c of t.telegram.sent("editMessageText")) edits.set(Number(c.payload.chat_id), String(c.payload.text));
  return edits;
}

/** Asks for an order and returns the proposal it made (the newest one). */
export async function propose(t: TestBot, ds: DataSource, from: number, command = "/execute BUY NKE 10"): Promise<ProposalRow> {
  await t.send(from, command);
  const rows = await proposals(ds);
  const last = rows.at(-1);
  if (!last) throw new Error(`"${command}" made no proposal; the bot said: ${t.telegram.texts(from).join(" | ")}`);
  return last;
}

/** A fresh random override code and a verifier of its hash: no code is written down anywhere. */
export async function overrideCode(): Promise<{ code: string; verifier: OverrideCodeVerifier }> {
  const code = `oc-${randomBytes(12).toString("base64url")}`;
  return { code, verifier: new OverrideCodeVerifier(await hashOverrideCode(code)) };
}

/** Every Redis key of the file's prefix with its value (strings only; the bot stores nothing else). */
export async function redisDump(redis: Redis, prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) out.push(`${key}=${(await redis.get(key)) ?? ""}`);
  } while (cursor !== "0");
  return out.join("\n");
}
