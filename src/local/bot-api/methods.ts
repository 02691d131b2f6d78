import { sendMedia } from "./media-methods.js";
import { deleteMessage, editMessageCaption, editMessageReplyMarkup, editMessageText, sendMessage } from "./message-methods.js";
import { ApiError, badRequest, type Params } from "./params.js";
import type { EmulatorStore } from "./store.js";
import type { BotCommand } from "./types.js";

/** The Bot API methods the emulator answers, by lower-case name (Telegram ignores the case). */

export interface MethodContext {
  store: EmulatorStore;
  /** Aborted when the HTTP client goes away; ends a long poll early. */
  signal: AbortSignal;
}

export type MethodHandler = (params: Params, context: MethodContext) => unknown;

const POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const handlers: Record<string, MethodHandler> = {
  getMe: (_p, { store }) => ({
    ...store.botUser(),
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }),
  getUpdates,
  setWebhook: (p, { store }) => {
    const url = p.string("url") ?? "";
    if (p.bool("drop_pending_updates")) store.updates.clear();
    if (url === "") {
      store.webhook = undefined;
      return true;
    }
    if (!/^https:\/\//i.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    // Stored for getWebhookInfo and the getUpdates conflict; the emulator never delivers to it.
    const allowed = allowedUpdates(p);
    store.webhook = { url, maxConnections: p.int("max_connections") ?? 40 };
    if (allowed) store.webhook.allowedUpdates = allowed;
    return true;
  },
  deleteWebhook: (p, { store }) => {
    if (p.bool("drop_pending_updates")) store.updates.clear();
    store.webhook = undefined;
    return true;
  },
  getWebhookInfo: (_p, { store }) => {
    const info: Record<string, unknown> = {
      url: store.webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: store.updates.pendingCount,
    };
    if (store.webhook) info.max_connections = store.webhook.maxConnections;
    if (store.webhook?.allowedUpdates) info.allowed_updates = store.webhook.allowedUpdates;
    return info;
  },
  sendMessage: (p, { store }) => sendMessage(p, store),
  editMessageText: (p, { store }) => editMessageText(p, store),
  editMessageCaption: (p, { store }) => editMessageCaption(p, store),
  editMessageReplyMarkup: (p, { store }) => editMessageReplyMarkup(p, store),
  deleteMessage: (p, { store }) => deleteMessage(p, store),
  sendPhoto: (p, { store }) => sendMedia("photo", p, store),
  sendDocument: (p, { store }) => sendMedia("document", p, store),
  answerCallbackQuery: (p, { store }) => {
    const id = p.string("callback_query_id") ?? "";
    const query = store.callbackQueries.get(id);
    if (!query || query.answered) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    query.answered = true;
    const text = p.string("text") || undefined;
    const showAlert = p.bool("show_alert");
    const answer: { text?: string; show_alert?: boolean } = {};
    if (text !== undefined) answer.text = text;
    if (showAlert) answer.show_alert = true;
    query.settle?.(answer);
    store.emit({ type: "callback_answer", callbackQueryId: id, ...(text === undefined ? {} : { text }), showAlert, chatId: query.chatId });
    return true;
  },
  sendChatAction: (p, { store }) => {
    const chatId = p.chatId();
    store.requireChat(chatId);
    const action = p.string("action") ?? "";
    if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
    store.emit({ type: "chat_action", chatId, action });
    return true;
  },
  setMyCommands: (p, { store }) => {
    const commands = parseCommands(p.json("commands", "commands JSON object"));
    store.commandsByScope.set(scopeKey(p), commands);
    store.lastCommands = commands.map((c) => ({ ...c }));
    return true;
  },
  getMyCommands: (p, { store }) => (store.commandsByScope.get(scopeKey(p)) ?? []).map((c) => ({ ...c })),
  deleteMyCommands: (p, { store }) => {
    store.commandsByScope.delete(scopeKey(p));
    return true;
  },
  getChat: (p, { store }) => store.chatObject(p.chatId()),
  // Profile settings a bot may make at start-up; nothing to show for them locally.
  setMyDescription: () => true,
  setMyShortDescription: () => true,
  setMyName: () => true,
  setChatMenuButton: () => true,
};

export const METHODS: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), handler]),
);

async function getUpdates(p: Params, { store, signal }: MethodContext): Promise<unknown[]> {
  if (store.webhook) throw new ApiError(409, WEBHOOK_CONFLICT);
  const offset = p.int("offset");
  // Telegram clamps instead of rejecting.
  const limit = Math.min(100, Math.max(1, p.int("limit") ?? 100));
  const timeoutMs = Math.max(0, p.int("timeout") ?? 0) * 1000;
  const allowed = allowedUpdates(p);
  if (await store.updates.conflicts(50)) throw new ApiError(409, POLL_CONFLICT);
  if (allowed) store.updates.allowedUpdates = allowed;
  store.updates.confirm(offset);
  const deadline = Date.now() + timeoutMs;
  let result = store.updates.peek(limit);
  while (result.length === 0 && !store.closed && !signal.aborted && Date.now() < deadline) {
    await store.updates.wait(deadline - Date.now(), signal);
    result = store.updates.peek(limit);
  }
  return result;
}

function allowedUpdates(p: Params): string[] | undefined {
  const raw = p.json("allowed_updates", "allowed_updates JSON object");
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw badRequest("can't parse allowed_updates JSON object");
  return raw.filter((type): type is string => typeof type === "string");
}

function parseCommands(raw: unknown): BotCommand[] {
  if (raw === undefined) throw badRequest('parameter "commands" is required');
  if (!Array.isArray(raw)) throw badRequest("can't parse commands JSON object");
  if (raw.length > 100) throw badRequest("too many commands");
  return raw.map((entry: unknown) => {
    const { command, description } = (entry ?? {}) as { command?: unknown; description?: unknown };
    if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
    if (typeof description !== "string" || description.trim().length < 1 || description.length > 256) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
    return { command, description };
  });
}

function scopeKey(p: Params): string {
  const scope = p.json("scope", "scope JSON object") ?? { type: "default" };
  return `${JSON.stringify(scope)}|${p.string("language_code") ?? ""}`;
}
