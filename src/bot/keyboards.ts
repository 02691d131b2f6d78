import { InlineKeyboard } from "grammy";

/** Callback data stays under Telegram's 64 bytes: "ap:<uuid>:a" is 41. */
export const PROPOSAL_CALLBACK = /^ap:([0-9a-f-]{36}):([ad])$/;

export function proposalKeyboard(proposalId: string): InlineKeyboard {
  return new InlineKeyboard().text("✅ Approve", `ap:${proposalId}:a`).text("❌ Deny", `ap:${proposalId}:d`);
}
