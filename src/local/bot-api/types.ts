import type { Message } from "grammy/types";

/** Public shapes of the emulator; the implementation lives in the sibling files. */

export interface BotApiEmulatorOptions {
  /** The only token the emulator accepts; any other answers 401 like Telegram. */
  token: string;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Default { id: 7000000001, username: "war_room_local_bot", first_name: "War Room (local)" }. */
  bot?: { id: number; username: string; first_name: string };
  /** Where sendPhoto/sendDocument uploads are saved; default: a fresh dir under os.tmpdir(). */
  photoDir?: string;
  /**
   * The emulator's own data folder: the last update id is kept there, so ids keep increasing
   * across restarts as Telegram's do (the desk's update ledger drops ids it has seen). Without
   * it ids start from 1 on every start (fine for a throwaway emulator in a test).
   */
  stateDir?: string;
}

export interface BotApiEmulator {
  /** e.g. "http://127.0.0.1:41234"; grammY appends /bot<token>/<method>. */
  readonly apiRoot: string;
  readonly user: EmulatorUserApi;
  /** Ends pending long polls (they answer with the updates so far) and closes the server. */
  close(): Promise<void>;
}

export interface EmulatorUser {
  id: number;
  first_name: string;
  username?: string;
}

export interface EmulatedButton {
  text: string;
  callbackData?: string;
  url?: string;
}

export interface EmulatedMessage {
  chatId: number;
  messageId: number;
  fromBot: boolean;
  /** As the bot sent it, markup included (e.g. "<b>Hi</b>"); see plainText for what the user sees. */
  text?: string;
  caption?: string;
  parseMode?: string;
  /** Text or caption as the user sees it: tags removed, HTML entities decoded. */
  plainText?: string;
  buttons: EmulatedButton[][];
  photoPath?: string;
  documentPath?: string;
  editedAt?: number;
  deleted: boolean;
  date: number;
}

export type ChatEvent =
  | { type: "message"; message: EmulatedMessage }
  | { type: "edited"; message: EmulatedMessage }
  | { type: "deleted"; chatId: number; messageId: number }
  | { type: "callback_answer"; callbackQueryId: string; text?: string; showAlert: boolean; chatId: number }
  | { type: "chat_action"; chatId: number; action: string };

export interface InjectedError {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

export interface BotCommand {
  command: string;
  description: string;
}

export interface EmulatorUserApi {
  /** Makes the private chat (chat id = user id) known, so the bot can message the user first. */
  registerUser(user: EmulatorUser): void;
  /** Queues an Update {message} from this user in their private chat. */
  sendText(user: EmulatorUser, text: string): Promise<Message>;
  /**
   * Queues an Update {callback_query}; resolves with the bot's answerCallbackQuery, or undefined
   * when the bot does not answer within timeoutMs (default 5000). Stale data is sent as given.
   */
  press(
    user: EmulatorUser,
    chatId: number,
    messageId: number,
    callbackData: string,
    options?: { timeoutMs?: number },
  ): Promise<{ text?: string; show_alert?: boolean } | undefined>;
  /** Current state of every message in the chat, oldest first, deleted ones excluded. */
  messages(chatId: number): EmulatedMessage[];
  lastBotMessage(chatId: number): EmulatedMessage | undefined;
  /** First existing or future bot message (edits included) that matches; rejects on timeout (default 5000). */
  waitForBotMessage(
    chatId: number,
    predicate: (m: EmulatedMessage) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<EmulatedMessage>;
  on(listener: (event: ChatEvent) => void): () => void;
  /** Commands of the last setMyCommands call. */
  commands(): BotCommand[];
  /** Bot API calls received with the right token, oldest first; method compared case-insensitively. */
  calls(method?: string): RecordedCall[];
  /** The next call of `method` answers with this error (with parameters.retry_after when given). */
  failNext(method: string, error: InjectedError): void;
}
