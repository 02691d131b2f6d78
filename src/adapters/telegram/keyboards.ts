import { InlineKeyboard } from "grammy";

/**
 * Callback data stays under Telegram's 64 bytes: "ap:<uuid>:a" is 41. The id must be a real
 * UUID (8-4-4-4-12 hex): anything else (a forged or mangled press) never reaches a uuid cast in
 * PostgreSQL; the fallback answers it as a button that is not valid any more.
 */
export const PROPOSAL_CALLBACK = /^ap:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([ad])$/;

export function proposalKeyboard(proposalId: string): InlineKeyboard {
  return new InlineKeyboard().text("✅ Approve", `ap:${proposalId}:a`).text("❌ Deny", `ap:${proposalId}:d`);
}
