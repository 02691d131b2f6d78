import { HtmlParseError, parseTelegramHtml, type MessageEntity } from "./html.js";
import { badRequest, type Params } from "./params.js";
import type { EmulatorStore } from "./store.js";

/** Text and captions as Telegram checks them: parse mode, emptiness, length; replies. */

export interface FormattedText {
  /** As sent, markup included. */
  source: string;
  parseMode?: string;
  /** What the user sees; this is Message.text / Message.caption in the Bot API. */
  plain: string;
  entities: MessageEntity[];
}

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

export function formatText(source: string, parseModeParam: string | undefined, kind: "text" | "caption"): FormattedText {
  const parseMode = parseModeParam || undefined;
  let plain = source;
  let entities: MessageEntity[] = [];
  if (parseMode !== undefined) {
    const mode = parseMode.toLowerCase();
    if (mode === "html") {
      try {
        ({ text: plain, entities } = parseTelegramHtml(source));
      } catch (error) {
        if (error instanceof HtmlParseError) throw badRequest(`can't parse entities: ${error.message}`);
        throw error;
      }
    } else if (mode !== "markdown" && mode !== "markdownv2") {
      throw badRequest("unsupported parse_mode");
    }
    // Markdown is passed through unchecked: War Room formats with HTML only.
  }
  if (kind === "text" && plain.trim() === "") throw badRequest("message text is empty");
  if (kind === "text" && plain.length > TEXT_LIMIT) throw badRequest("message is too long");
  if (kind === "caption" && plain.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  const formatted: FormattedText = { source, plain, entities };
  if (parseMode !== undefined) formatted.parseMode = parseMode;
  return formatted;
}

/** The optional caption of sendPhoto/sendDocument/editMessageCaption. */
export function formatCaption(params: Params): FormattedText | undefined {
  const caption = params.string("caption");
  if (caption === undefined || caption === "") return undefined;
  return formatText(caption, params.string("parse_mode"), "caption");
}

/** Sets or removes a text/caption and its entities on a Bot API Message object. */
export function applyText(telegram: Record<string, unknown>, kind: "text" | "caption", text: FormattedText | undefined): void {
  const entitiesKey = kind === "text" ? "entities" : "caption_entities";
  delete telegram[kind];
  delete telegram[entitiesKey];
  if (!text) return;
  telegram[kind] = text.plain;
  if (text.entities.length > 0) telegram[entitiesKey] = text.entities.map((e) => ({ ...e }));
}

/**
 * The message a new message replies to (reply_parameters, or the older reply_to_message_id), as
 * the nested reply_to_message; Telegram nests only one level.
 */
export function replyTarget(params: Params, store: EmulatorStore, chatId: number): Record<string, unknown> | undefined {
  let messageId: number | undefined;
  let allowMissing = params.bool("allow_sending_without_reply");
  const replyParameters = params.json("reply_parameters");
  if (replyParameters !== undefined) {
    if (typeof replyParameters !== "object" || replyParameters === null) {
      throw badRequest("can't parse reply parameters JSON object");
    }
    const reply = replyParameters as { message_id?: unknown; allow_sending_without_reply?: unknown };
    if (typeof reply.message_id !== "number") throw badRequest("message to be replied not found");
    messageId = reply.message_id;
    allowMissing = reply.allow_sending_without_reply === true;
  } else {
    messageId = params.int("reply_to_message_id");
  }
  if (messageId === undefined) return undefined;
  const target = store.findMessage(chatId, messageId);
  if (!target) {
    if (allowMissing) return undefined;
    throw badRequest("message to be replied not found");
  }
  const nested = { ...target.telegram };
  delete nested.reply_to_message;
  return nested;
}
