import type { ApiClientOptions } from "grammy";

/** One Bot API call the bot made, as Telegram would have received it. */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
}

/**
 * A Telegram transport that records instead of sending: grammY's `client.fetch` is replaced, so
 * every call (including those made inside conversations, which build their own Api objects)
 * passes through here. Answers look like Telegram's: sendMessage returns a Message with a fresh
 * message_id, edits return the edited message, everything else `true`. `failNext` makes the
 * next call of a method fail the way Telegram fails.
 */
export class TelegramRecorder {
  readonly calls: RecordedCall[] = [];
  private nextMessageId = 1;
  private failures = new Map<string, { error_code: number; description: string; parameters?: Record<string, unknown> }[]>();

  readonly fetch: NonNullable<ApiClientOptions["fetch"]> = (async (input: unknown, init?: { body?: unknown }) => {
    const url = String(typeof input === "object" && input !== null && "url" in input ? (input as { url: string }).url : input);
    const method = url.slice(url.lastIndexOf("/") + 1);
    const payload = await parseBody(init?.body);
    this.calls.push({ method, payload });
    const failure = this.failures.get(method)?.shift();
    if (failure) return json({ ok: false, ...failure }, failure.error_code);
    return json({ ok: true, result: this.answer(method, payload) });
  }) as never;

  failNext(method: string, error: { error_code: number; description: string; parameters?: Record<string, unknown> }): void {
    const list = this.failures.get(method) ?? [];
    list.push(error);
    this.failures.set(method, list);
  }

  /** Calls of one method, optionally to one chat. */
  sent(method: string, chatId?: number): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (chatId === undefined || Number(c.payload.chat_id) === chatId));
  }

  /** Texts of every sendMessage to a chat, oldest first. */
  texts(chatId: number): string[] {
    return this.sent("sendMessage", chatId).map((c) => String(c.payload.text));
  }

  lastText(chatId: number): string {
    const texts = this.texts(chatId);
    if (texts.length === 0) throw new Error(`nothing was sent to chat ${chatId}; calls: ${this.calls.map((c) => c.method).join(", ")}`);
    return texts.at(-1)!;
  }

  /** The text of every answerCallbackQuery, in order. */
  callbackAnswers(): string[] {
    return this.sent("answerCallbackQuery").map((c) => (typeof c.payload.text === "string" ? c.payload.text : ""));
  }

  clear(): void {
    this.calls.length = 0;
  }

  private answer(method: string, payload: Record<string, unknown>): unknown {
    const chat = { id: Number(payload.chat_id), type: "private", first_name: "operator" };
    const date = Math.floor(Date.now() / 1000);
    const from = { id: 7000000001, is_bot: true, first_name: "War Room" };
    switch (method) {
      case "sendMessage":
        return { message_id: this.nextMessageId++, date, chat, from, text: payload.text, ...(payload.reply_markup ? { reply_markup: payload.reply_markup } : {}) };
      case "sendPhoto":
      case "sendDocument":
        return { message_id: this.nextMessageId++, date, chat, from };
      case "editMessageText":
        return { message_id: Number(payload.message_id), date, chat, from, text: payload.text, edit_date: date };
      case "getMe":
        return { id: 7000000001, is_bot: true, first_name: "War Room", username: "war_room_test_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };
      default:
        return true;
    }
  }
}

/**
 * JSON bodies as they are; a multipart upload (sendPhoto) is read whole: its text fields become
 * the payload and each file part's size is recorded under its field name as `{ bytes }`.
 */
async function parseBody(body: unknown): Promise<Record<string, unknown>> {
  if (typeof body === "string") return JSON.parse(body) as Record<string, unknown>;
  if (body instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
  if (body && typeof body === "object" && Symbol.asyncIterator in body) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    return parseMultipart(Buffer.concat(chunks).toString("latin1"));
  }
  return {};
}

function parseMultipart(raw: string): Record<string, unknown> {
  const boundary = /^--([^\r\n]+)/.exec(raw)?.[1];
  if (!boundary) return {};
  const payload: Record<string, unknown> = {};
  for (const part of raw.split(`--${boundary}`)) {
    const [head, ...rest] = part.split("\r\n\r\n");
    const name = /name="([^"]+)"/.exec(head ?? "")?.[1];
    if (!name) continue;
    const value = rest.join("\r\n\r\n").replace(/\r\n$/, "");
    payload[name] = /filename=/.test(head ?? "") ? { bytes: Buffer.byteLength(value, "latin1"), data: Buffer.from(value, "latin1") } : Buffer.from(value, "latin1").toString("utf8");
  }
  return payload;
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}
