import type { Transformer } from "grammy";
import { cutToUnits } from "../../domain/text.js";
import { MESSAGE_LIMIT, splitMessage } from "./render/html.js";

/** Telegram's other limits, in UTF-16 code units as it counts them. */
const CALLBACK_ANSWER_LIMIT = 200;
const CAPTION_LIMIT = 1024;

/**
 * The last line of defence for Telegram's length limits, on every outgoing call: a message over
 * 4,096 units is sent as several (split between lines, HTML kept whole), an edit, a caption or a
 * button answer is cut on a character boundary. Renderers already keep operator input short;
 * this makes "Telegram refused a message" impossible for length whatever a reply echoes.
 */
export function fitMessages(): Transformer {
  return async (prev, method, payload, signal) => {
    const p = payload as Record<string, unknown>;
    if (method === "sendMessage" && typeof p.text === "string" && p.text.length > MESSAGE_LIMIT) {
      const parts = p.parse_mode === "HTML" ? splitMessage(p.text, MESSAGE_LIMIT) : splitPlain(p.text, MESSAGE_LIMIT);
      // Buttons belong under the last part, where the reader ends up.
      const { reply_markup, ...rest } = p;
      let last: Awaited<ReturnType<typeof prev>> = { ok: false, error_code: 400, description: "Bad Request: message text is empty" };
      for (const [i, text] of parts.entries()) {
        const part = { ...rest, text, ...(i === parts.length - 1 && reply_markup !== undefined ? { reply_markup } : {}) };
        last = await prev(method, part as typeof payload, signal);
        if (!last.ok) return last;
      }
      return last;
    }
    if (method === "editMessageText" && typeof p.text === "string" && p.text.length > MESSAGE_LIMIT) {
      const text = p.parse_mode === "HTML" ? splitMessage(p.text, MESSAGE_LIMIT - 1)[0]! + "…" : cutToUnits(p.text, MESSAGE_LIMIT);
      return prev(method, { ...p, text } as typeof payload, signal);
    }
    if (method === "answerCallbackQuery" && typeof p.text === "string" && p.text.length > CALLBACK_ANSWER_LIMIT) {
      return prev(method, { ...p, text: cutToUnits(p.text, CALLBACK_ANSWER_LIMIT) } as typeof payload, signal);
    }
    if (typeof p.caption === "string" && p.caption.length > CAPTION_LIMIT && p.parse_mode !== "HTML") {
      return prev(method, { ...p, caption: cutToUnits(p.caption, CAPTION_LIMIT) } as typeof payload, signal);
    }
    return prev(method, payload, signal);
  };
}

/** Plain text in parts of at most `limit` units, cut on character boundaries (preferring line breaks). */
export function splitPlain(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let part = cutToUnits(rest, limit, "");
    if (part.length === 0) part = rest.slice(0, limit);
    const newline = part.lastIndexOf("\n");
    if (newline > limit / 2) part = part.slice(0, newline);
    parts.push(part);
    rest = rest.slice(part.length).replace(/^\n/, "");
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
