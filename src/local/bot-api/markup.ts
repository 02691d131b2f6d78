import { badRequest, type Params } from "./params.js";
import type { EmulatedButton } from "./types.js";

/** What a message keeps of a reply_markup parameter. */
export interface ParsedMarkup {
  /** Attached to the Message; Telegram only echoes inline keyboards back. */
  markup?: { inline_keyboard: Record<string, unknown>[][] };
  buttons: EmulatedButton[][];
}

const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
] as const;

/** Validates reply_markup the way Telegram rejects it; undefined when the parameter is absent. */
export function parseReplyMarkup(params: Params): ParsedMarkup | undefined {
  const raw = params.json("reply_markup", "reply keyboard markup JSON object");
  if (raw === undefined) return undefined;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const markup = raw as Record<string, unknown>;
  if ("inline_keyboard" in markup) return parseInlineKeyboard(markup.inline_keyboard);
  // Reply keyboards change the user's keyboard, not the message: nothing to keep.
  if ("keyboard" in markup || "remove_keyboard" in markup || "force_reply" in markup) return { buttons: [] };
  throw badRequest("can't parse reply keyboard markup JSON object");
}

function parseInlineKeyboard(rows: unknown): ParsedMarkup {
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  const inline: Record<string, unknown>[][] = [];
  const buttons: EmulatedButton[][] = [];
  for (const row of rows as unknown[][]) {
    const markupRow: Record<string, unknown>[] = [];
    const buttonRow: EmulatedButton[] = [];
    for (const cell of row) {
      const button = parseButton(cell);
      markupRow.push(button);
      const emulated: EmulatedButton = { text: button.text as string };
      if (typeof button.callback_data === "string") emulated.callbackData = button.callback_data;
      if (typeof button.url === "string") emulated.url = button.url;
      buttonRow.push(emulated);
    }
    // Telegram drops empty rows.
    if (markupRow.length > 0) {
      inline.push(markupRow);
      buttons.push(buttonRow);
    }
  }
  return { markup: { inline_keyboard: inline }, buttons };
}

function parseButton(cell: unknown): Record<string, unknown> {
  if (typeof cell !== "object" || cell === null || Array.isArray(cell)) {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  const input = cell as Record<string, unknown>;
  if (typeof input.text !== "string") {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  if (input.text.trim() === "") throw badRequest("BUTTON_TEXT_INVALID");
  const button: Record<string, unknown> = { text: input.text };
  for (const action of BUTTON_ACTIONS) {
    if (input[action] !== undefined) button[action] = input[action];
  }
  if (Object.keys(button).length === 1) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (button.callback_data !== undefined) {
    const data = button.callback_data;
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : 0;
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (button.url !== undefined && !isButtonUrl(button.url)) throw badRequest("BUTTON_URL_INVALID");
  return button;
}

function isButtonUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return ["http:", "https:", "tg:", "ton:"].includes(url.protocol);
  } catch {
    return false;
  }
}
