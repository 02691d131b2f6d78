import { applyText, formatCaption, formatText, replyTarget, type FormattedText } from "./format.js";
import { parseReplyMarkup, type ParsedMarkup } from "./markup.js";
import { badRequest, type Params } from "./params.js";
import type { EmulatorStore, StoredMessage } from "./store.js";

/** sendMessage and the edit/delete methods. */

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

export function sendMessage(params: Params, store: EmulatorStore): Record<string, unknown> {
  const chatId = params.chatId();
  const chat = store.chatObject(chatId);
  const text = formatText(params.string("text") ?? "", params.string("parse_mode"), "text");
  const markup = parseReplyMarkup(params);
  const reply = replyTarget(params, store, chatId);
  const stored = store.addMessage(chatId, (messageId, date) => {
    const telegram: Record<string, unknown> = { message_id: messageId, from: store.botUser(), chat, date };
    if (reply) telegram.reply_to_message = reply;
    applyText(telegram, "text", text);
    const preview = params.json("link_preview_options");
    if (preview !== undefined) telegram.link_preview_options = preview;
    if (markup?.markup) telegram.reply_markup = markup.markup;
    return { fromBot: true, telegram, ...textFields(text, "text"), buttons: markup?.buttons ?? [] };
  });
  return stored.telegram;
}

export function editMessageText(params: Params, store: EmulatorStore): Record<string, unknown> {
  const message = messageToEdit(params, store);
  if (message.text === undefined) throw badRequest("there is no text in the message to edit");
  const text = formatText(params.string("text") ?? "", params.string("parse_mode"), "text");
  const markup = parseReplyMarkup(params);
  assertModified(message, "text", text, markup);
  applyText(message.telegram, "text", text);
  delete message.parseMode;
  Object.assign(message, textFields(text, "text"));
  return finishEdit(store, message, markup);
}

export function editMessageCaption(params: Params, store: EmulatorStore): Record<string, unknown> {
  const message = messageToEdit(params, store);
  if (message.text !== undefined) throw badRequest("there is no caption in the message to edit");
  const caption = formatCaption(params);
  const markup = parseReplyMarkup(params);
  assertModified(message, "caption", caption, markup);
  applyText(message.telegram, "caption", caption);
  delete message.caption;
  delete message.parseMode;
  delete message.plainText;
  if (caption) Object.assign(message, textFields(caption, "caption"));
  return finishEdit(store, message, markup);
}

export function editMessageReplyMarkup(params: Params, store: EmulatorStore): Record<string, unknown> {
  const message = messageToEdit(params, store);
  const markup = parseReplyMarkup(params);
  if (sameMarkup(message, markup)) throw badRequest(NOT_MODIFIED);
  return finishEdit(store, message, markup);
}

export function deleteMessage(params: Params, store: EmulatorStore): true {
  const chatId = params.chatId();
  store.requireChat(chatId);
  const messageId = params.requireInt("message_id", "message identifier is not specified");
  const message = store.findMessage(chatId, messageId);
  if (!message) throw badRequest("message to delete not found");
  store.deleteMessage(message);
  return true;
}

function messageToEdit(params: Params, store: EmulatorStore): StoredMessage {
  if (params.has("inline_message_id")) throw badRequest("inline messages are not supported by the local emulator");
  const chatId = params.chatId();
  store.requireChat(chatId);
  const messageId = params.requireInt("message_id", "message identifier is not specified");
  const message = store.findMessage(chatId, messageId);
  if (!message) throw badRequest("message to edit not found");
  if (!message.fromBot) throw badRequest("message can't be edited");
  return message;
}

function textFields(text: FormattedText, kind: "text" | "caption"): Partial<StoredMessage> {
  const fields: Partial<StoredMessage> = { [kind]: text.source, plainText: text.plain };
  if (text.parseMode !== undefined) fields.parseMode = text.parseMode;
  return fields;
}

/** Telegram compares what the user would see: text, entities and keyboard, not the markup source. */
function assertModified(
  message: StoredMessage,
  kind: "text" | "caption",
  next: FormattedText | undefined,
  markup: ParsedMarkup | undefined,
): void {
  const entitiesKey = kind === "text" ? "entities" : "caption_entities";
  const sameText = (message.telegram[kind] ?? "") === (next?.plain ?? "");
  const sameEntities =
    JSON.stringify(message.telegram[entitiesKey] ?? []) === JSON.stringify(next?.entities ?? []);
  if (sameText && sameEntities && sameMarkup(message, markup)) throw badRequest(NOT_MODIFIED);
}

function sameMarkup(message: StoredMessage, markup: ParsedMarkup | undefined): boolean {
  return JSON.stringify(message.telegram.reply_markup ?? null) === JSON.stringify(markup?.markup ?? null);
}

/** An edit without reply_markup removes the inline keyboard, as in Telegram. */
function finishEdit(store: EmulatorStore, message: StoredMessage, markup: ParsedMarkup | undefined): Record<string, unknown> {
  if (markup?.markup) {
    message.telegram.reply_markup = markup.markup;
  } else {
    delete message.telegram.reply_markup;
  }
  message.buttons = markup?.buttons ?? [];
  const editDate = Math.floor(Date.now() / 1000);
  message.telegram.edit_date = editDate;
  message.editedAt = editDate;
  store.messageEdited(message);
  return message.telegram;
}
