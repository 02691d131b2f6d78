import type { Message } from "grammy/types";
import type { EmulatorStore, PendingCallbackQuery } from "./store.js";
import type { EmulatedMessage, EmulatorUser, EmulatorUserApi } from "./types.js";

/** The user's side of the chats, in-process: what a Telegram client would do, plus inspection for tests. */

const DEFAULT_TIMEOUT_MS = 5000;

export function createUserApi(store: EmulatorStore): EmulatorUserApi {
  return {
    registerUser: (user) => store.registerUser(user),
    sendText: (user, text) => promised(() => sendText(store, user, text)),
    press: (user, chatId, messageId, callbackData, options) =>
      promised(() => press(store, user, chatId, messageId, callbackData, options?.timeoutMs ?? DEFAULT_TIMEOUT_MS)),
    messages: (chatId) => store.messages(chatId),
    lastBotMessage: (chatId) => store.messages(chatId).filter((m) => m.fromBot).at(-1),
    waitForBotMessage: (chatId, predicate, options) =>
      waitForBotMessage(store, chatId, predicate, options?.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    on: (listener) => store.on(listener),
    commands: () => store.lastCommands.map((c) => ({ ...c })),
    calls: (method) =>
      store.callLog
        .filter((call) => method === undefined || call.method.toLowerCase() === method.toLowerCase())
        .map((call) => ({ ...call })),
    failNext: (method, error) => store.failNext(method, error),
  };
}

/** Errors of the synchronous part (say "chat not found") become rejections, as callers await. */
function promised<T>(run: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => resolve(run()));
}

function sendText(store: EmulatorStore, user: EmulatorUser, text: string): Message {
  if (text === "") throw new Error("sendText: Telegram clients cannot send an empty message");
  store.registerUser(user);
  const stored = store.addMessage(user.id, (messageId, date) => {
    const telegram: Record<string, unknown> = {
      message_id: messageId,
      from: store.userObject(user),
      chat: store.chatObject(user.id),
      date,
      text,
    };
    // Like Telegram: a leading "/command" or "/command@bot" is a bot_command entity.
    const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?/.exec(text);
    if (command) telegram.entities = [{ type: "bot_command", offset: 0, length: command[0].length }];
    return { fromBot: false, telegram, text, plainText: text, buttons: [] };
  });
  store.updates.push("message", structuredClone(stored.telegram));
  return structuredClone(stored.telegram) as unknown as Message;
}

function press(
  store: EmulatorStore,
  user: EmulatorUser,
  chatId: number,
  messageId: number,
  data: string,
  timeoutMs: number,
): Promise<{ text?: string; show_alert?: boolean } | undefined> {
  const chat = store.chatObject(chatId);
  if (store.closed) return Promise.resolve(undefined);
  const id = store.newCallbackQueryId();
  const current = store.findMessage(chatId, messageId);
  // A deleted or unknown message reaches the bot as an InaccessibleMessage (date 0), as in the Bot API.
  const message = current ? structuredClone(current.telegram) : { chat, message_id: messageId, date: 0 };
  return new Promise((resolve) => {
    const query: PendingCallbackQuery = { chatId, answered: false };
    const timer = setTimeout(() => query.settle?.(undefined), timeoutMs);
    query.settle = (answer) => {
      clearTimeout(timer);
      // The bot may still answer after the timeout; only the first outcome counts here.
      query.settle = undefined;
      resolve(answer);
    };
    store.callbackQueries.set(id, query);
    store.updates.push("callback_query", {
      id,
      from: store.userObject(user),
      message,
      // Stable per chat, like Telegram's opaque chat_instance.
      chat_instance: String(BigInt(chatId) * 1_000_003n + BigInt(store.bot.id)),
      data,
    });
  });
}

function waitForBotMessage(
  store: EmulatorStore,
  chatId: number,
  predicate: (m: EmulatedMessage) => boolean,
  timeoutMs: number,
): Promise<EmulatedMessage> {
  return new Promise((resolve, reject) => {
    const existing = store.messages(chatId).find((m) => m.fromBot && predicate(m));
    if (existing) {
      resolve(existing);
      return;
    }
    const cleanup = (): void => {
      clearTimeout(timer);
      unsubscribe();
      offClose();
    };
    const unsubscribe = store.on((event) => {
      if (event.type !== "message" && event.type !== "edited") return;
      const message = event.message;
      if (message.chatId !== chatId || !message.fromBot) return;
      try {
        if (!predicate(message)) return;
      } catch (error) {
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      cleanup();
      resolve(message);
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no bot message in chat ${chatId} matched within ${timeoutMs} ms; ${describeRecent(store, chatId)}`));
    }, timeoutMs);
    const offClose = store.onClose(() => {
      cleanup();
      reject(new Error(`the emulator closed while waiting for a bot message in chat ${chatId}`));
    });
  });
}

/** The last few bot messages, for a timeout error that says what the bot did send. */
function describeRecent(store: EmulatorStore, chatId: number, count = 5): string {
  const recent = store.messages(chatId).filter((m) => m.fromBot).slice(-count);
  if (recent.length === 0) return "the bot sent no message there";
  const lines = recent.map((m) => {
    const content = m.plainText ?? (m.photoPath ? "[photo]" : m.documentPath ? "[document]" : "");
    const buttons = m.buttons.flat().map((b) => b.text);
    const keyboard = buttons.length > 0 ? ` [buttons: ${buttons.join(" | ")}]` : "";
    const edited = m.editedAt === undefined ? "" : " (edited)";
    return `  #${m.messageId}${edited}: ${JSON.stringify(content.length > 300 ? `${content.slice(0, 300)}…` : content)}${keyboard}`;
  });
  return `last bot messages:\n${lines.join("\n")}`;
}
