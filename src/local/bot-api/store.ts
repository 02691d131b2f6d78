import { ApiError, badRequest } from "./params.js";
import { UpdateQueue, type UpdateIdStore } from "./updates.js";
import type {
  BotCommand,
  ChatEvent,
  EmulatedMessage,
  EmulatorUser,
  InjectedError,
  RecordedCall,
} from "./types.js";

/** State of the emulated Telegram: private chats, their messages, updates, callback queries. */

export interface BotUser {
  id: number;
  username: string;
  first_name: string;
}

/** What the user side sees, plus the Message object as the Bot API returns it (current state). */
export interface StoredMessage extends EmulatedMessage {
  telegram: Record<string, unknown>;
}

/** What a method supplies for a new message; the store adds ids, date and the deleted flag. */
export type NewMessage = Omit<StoredMessage, "chatId" | "messageId" | "date" | "deleted">;

interface ChatState {
  user: EmulatorUser;
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
}

export interface PendingCallbackQuery {
  chatId: number;
  answered: boolean;
  settle?: (answer: { text?: string; show_alert?: boolean } | undefined) => void;
}

/** A file the bot sent, so its file_id can be sent again. */
export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  path?: string;
  size: number;
  width: number;
  height: number;
  fileName?: string;
  mimeType?: string;
}

export class EmulatorStore {
  readonly updates: UpdateQueue;
  readonly callbackQueries = new Map<string, PendingCallbackQuery>();
  readonly files = new Map<string, StoredFile>();
  readonly callLog: RecordedCall[] = [];
  /** By scope and language, for getMyCommands; lastCommands is what the user API reports. */
  readonly commandsByScope = new Map<string, BotCommand[]>();
  lastCommands: BotCommand[] = [];
  webhook: { url: string; maxConnections: number; allowedUpdates?: string[] } | undefined;
  private readonly chats = new Map<number, ChatState>();
  private readonly listeners = new Set<(event: ChatEvent) => void>();
  private readonly closeHooks = new Set<() => void>();
  private readonly faults = new Map<string, InjectedError[]>();
  private nextCallbackQueryId = 1;
  closed = false;

  constructor(
    readonly bot: BotUser,
    readonly photoDir: string,
    /** Keeps update ids increasing across restarts; none: they start from 1 (a throwaway emulator). */
    updateIds?: UpdateIdStore,
  ) {
    this.updates = new UpdateQueue(updateIds);
  }

  botUser(): Record<string, unknown> {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  registerUser(user: EmulatorUser): void {
    const chat = this.chats.get(user.id);
    if (chat) {
      chat.user = { ...user };
    } else {
      this.chats.set(user.id, { user: { ...user }, messages: new Map(), nextMessageId: 1 });
    }
  }

  /** The user of a private chat; 400 "chat not found" for chats no user opened or registered. */
  requireChat(chatId: number): EmulatorUser {
    const chat = this.chats.get(chatId);
    if (!chat) throw badRequest("chat not found");
    return chat.user;
  }

  chatObject(chatId: number): Record<string, unknown> {
    const user = this.requireChat(chatId);
    const chat: Record<string, unknown> = { id: user.id, first_name: user.first_name, type: "private" };
    if (user.username) chat.username = user.username;
    return chat;
  }

  userObject(user: EmulatorUser): Record<string, unknown> {
    const from: Record<string, unknown> = { id: user.id, is_bot: false, first_name: user.first_name };
    if (user.username) from.username = user.username;
    return from;
  }

  /** Adds a message under the chat's next id (bot and user share one sequence, as in Telegram). */
  addMessage(
    chatId: number,
    build: (messageId: number, date: number) => NewMessage,
  ): StoredMessage {
    const chat = this.chats.get(chatId);
    if (!chat) throw badRequest("chat not found");
    const messageId = chat.nextMessageId++;
    const date = Math.floor(Date.now() / 1000);
    const stored: StoredMessage = { ...build(messageId, date), chatId, messageId, date, deleted: false };
    chat.messages.set(messageId, stored);
    this.emit({ type: "message", message: snapshot(stored) });
    return stored;
  }

  /** A message that still exists, or undefined. */
  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    const message = this.chats.get(chatId)?.messages.get(messageId);
    return message && !message.deleted ? message : undefined;
  }

  messageEdited(message: StoredMessage): void {
    this.emit({ type: "edited", message: snapshot(message) });
  }

  deleteMessage(message: StoredMessage): void {
    message.deleted = true;
    this.emit({ type: "deleted", chatId: message.chatId, messageId: message.messageId });
  }

  messages(chatId: number): EmulatedMessage[] {
    const chat = this.chats.get(chatId);
    if (!chat) return [];
    return [...chat.messages.values()]
      .filter((m) => !m.deleted)
      .sort((a, b) => a.messageId - b.messageId)
      .map(snapshot);
  }

  newCallbackQueryId(): string {
    // Telegram's ids are opaque decimal strings; a bot id prefix keeps them distinct from message ids.
    return `${this.bot.id}${String(this.nextCallbackQueryId++).padStart(6, "0")}`;
  }

  on(listener: (event: ChatEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ChatEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A failing test listener must not break the Bot API call that caused the event.
      }
    }
  }

  recordCall(method: string, params: Record<string, unknown>): void {
    this.callLog.push({ method, params, at: Date.now() });
  }

  failNext(method: string, error: InjectedError): void {
    const key = method.toLowerCase();
    const queue = this.faults.get(key) ?? [];
    queue.push({ ...error });
    this.faults.set(key, queue);
  }

  /** The injected error for this call, if one is queued for the method. */
  takeFault(method: string): ApiError | undefined {
    const fault = this.faults.get(method.toLowerCase())?.shift();
    if (!fault) return undefined;
    const parameters = fault.retry_after === undefined ? undefined : { retry_after: fault.retry_after };
    return new ApiError(fault.error_code, fault.description, parameters);
  }

  onClose(hook: () => void): () => void {
    this.closeHooks.add(hook);
    return () => this.closeHooks.delete(hook);
  }

  close(): void {
    this.closed = true;
    this.updates.close();
    for (const query of this.callbackQueries.values()) query.settle?.(undefined);
    for (const hook of [...this.closeHooks]) hook();
    this.closeHooks.clear();
  }
}

/** A copy for listeners and tests, so later edits do not change what they were handed. */
export function snapshot(message: StoredMessage): EmulatedMessage {
  const copy: EmulatedMessage = {
    chatId: message.chatId,
    messageId: message.messageId,
    fromBot: message.fromBot,
    buttons: message.buttons.map((row) => row.map((button) => ({ ...button }))),
    deleted: message.deleted,
    date: message.date,
  };
  if (message.text !== undefined) copy.text = message.text;
  if (message.caption !== undefined) copy.caption = message.caption;
  if (message.parseMode !== undefined) copy.parseMode = message.parseMode;
  if (message.plainText !== undefined) copy.plainText = message.plainText;
  if (message.photoPath !== undefined) copy.photoPath = message.photoPath;
  if (message.documentPath !== undefined) copy.documentPath = message.documentPath;
  if (message.editedAt !== undefined) copy.editedAt = message.editedAt;
  return copy;
}
