import { clearLine, createInterface, cursorTo } from "node:readline";
import { parseTelegramHtml, type MessageEntity } from "./bot-api/html.js";
import type { ChatEvent, EmulatedMessage, EmulatorUser, EmulatorUserApi } from "./bot-api/types.js";

/**
 * `npm start`'s local mode: the operator chats with the bot in this terminal through the Bot API
 * emulator's user side. Lines go to the bot as text; the bot's messages, edits, deletions and
 * button answers are printed as they happen.
 *
 * Button numbers: every printed keyboard takes fresh numbers from one counter that never
 * restarts ([1] [2], then [3] [4] on the next keyboard), so a number always means exactly one
 * button on screen. When a message is edited or deleted its old numbers stop working (the edit
 * prints its keyboard again with new numbers), like buttons vanishing in a real client. A line
 * that is only digits presses that button; if no button has that number the line is sent as
 * text, and a leading "\" always sends the rest as text ("\2" sends "2").
 */

export interface TerminalChatOptions {
  user: EmulatorUserApi;
  me: EmulatorUser;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** ANSI styles for bold/code/links; default: whether output is a TTY. */
  color?: boolean;
}

interface NumberedButton {
  messageId: number;
  text: string;
  callbackData?: string;
  url?: string;
}

const STYLE: Record<string, [string, string]> = {
  bold: ["\x1b[1m", "\x1b[22m"],
  italic: ["\x1b[3m", "\x1b[23m"],
  underline: ["\x1b[4m", "\x1b[24m"],
  strikethrough: ["\x1b[9m", "\x1b[29m"],
  spoiler: ["\x1b[2m", "\x1b[22m"],
  code: ["\x1b[36m", "\x1b[39m"],
  pre: ["\x1b[36m", "\x1b[39m"],
  text_link: ["\x1b[4m", "\x1b[24m"],
};

export function startTerminalChat(options: TerminalChatOptions): { close(): void; done: Promise<void> } {
  const { user, me, input, output } = options;
  const tty = (input as { isTTY?: boolean }).isTTY === true && (output as { isTTY?: boolean }).isTTY === true;
  const color = options.color ?? (output as { isTTY?: boolean }).isTTY === true;
  // Without a TTY readline must neither echo nor prompt: tests and pipes see only the chat.
  const rl = createInterface(tty ? { input, output, terminal: true, prompt: "> " } : { input, terminal: false });
  const buttons = new Map<number, NumberedButton>();
  const numbersByMessage = new Map<number, number[]>();
  const retired = new Set<number>();
  let nextNumber = 1;
  let closed = false;

  const print = (text: string): void => {
    if (closed) return;
    if (tty) {
      clearLine(output, 0);
      cursorTo(output, 0);
    }
    output.write(`${text}\n`);
    if (tty) rl.prompt(true);
  };

  const retire = (messageId: number): void => {
    for (const n of numbersByMessage.get(messageId) ?? []) {
      buttons.delete(n);
      retired.add(n);
    }
    numbersByMessage.delete(messageId);
  };

  const printMessage = (message: EmulatedMessage, edited: boolean): void => {
    retire(message.messageId);
    const label = `bot #${message.messageId}${edited ? " (edited)" : ""}: `;
    const parts: string[] = [];
    if (message.photoPath) parts.push(`[photo saved: ${message.photoPath}]`);
    if (message.documentPath) parts.push(`[document saved: ${message.documentPath}]`);
    const body = message.text ?? message.caption;
    if (body !== undefined) parts.push(renderTelegramText(body, message.parseMode, color));
    const lines = [label + parts.join(" ").replace(/\n/g, "\n  ")];
    const numbers: number[] = [];
    for (const row of message.buttons) {
      const cells = row.map((button) => {
        const n = nextNumber++;
        numbers.push(n);
        const entry: NumberedButton = { messageId: message.messageId, text: button.text };
        if (button.callbackData !== undefined) entry.callbackData = button.callbackData;
        if (button.url !== undefined) entry.url = button.url;
        buttons.set(n, entry);
        return `[${n}] ${button.text}${button.url ? ` (${button.url})` : ""}`;
      });
      if (cells.length > 0) lines.push(`  ${cells.join("  ")}`);
    }
    if (numbers.length > 0) numbersByMessage.set(message.messageId, numbers);
    print(lines.join("\n"));
  };

  const onEvent = (event: ChatEvent): void => {
    switch (event.type) {
      case "message":
      case "edited":
        if (event.message.chatId === me.id && event.message.fromBot) printMessage(event.message, event.type === "edited");
        break;
      case "deleted":
        if (event.chatId !== me.id) break;
        retire(event.messageId);
        print(`(message #${event.messageId} deleted)`);
        break;
      case "callback_answer":
        if (event.chatId === me.id && event.text) print(`  » ${event.text}`);
        break;
      case "chat_action":
        break;
    }
  };

  const press = async (n: number, button: NumberedButton): Promise<void> => {
    if (button.callbackData === undefined) {
      print(button.url ? `  (button [${n}] opens ${button.url})` : `  (button [${n}] does nothing here)`);
      return;
    }
    const answer = await user.press(me, me.id, button.messageId, button.callbackData);
    if (answer === undefined) print(`  (the bot did not answer the press of [${n}] ${button.text})`);
  };

  const handleLine = async (raw: string): Promise<void> => {
    const line = raw.trim();
    if (line === "") return;
    if (line === "/quit") {
      close();
      return;
    }
    if (/^\d+$/.test(line)) {
      const n = Number(line);
      const button = buttons.get(n);
      if (button) return press(n, button);
      if (retired.has(n)) {
        print(`  (button [${n}] is no longer shown: its message changed; use the newer numbers)`);
        return;
      }
    }
    await user.sendText(me, line.startsWith("\\") ? line.slice(1) : line);
  };

  user.registerUser(me);
  const unsubscribe = user.on(onEvent);
  let queue = Promise.resolve();
  rl.on("line", (line) => {
    // One line at a time, so messages reach the bot in the order they were typed.
    queue = queue
      .then(() => handleLine(line))
      .catch((error: unknown) => print(`  (could not send: ${error instanceof Error ? error.message : String(error)})`));
  });
  // In raw TTY mode Ctrl-C reaches readline instead of the process; hand it back so the desk's
  // SIGINT shutdown still runs.
  if (tty) rl.on("SIGINT", () => process.kill(process.pid, "SIGINT"));

  const done = new Promise<void>((resolve) => rl.once("close", () => resolve()));
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    rl.close();
  };
  void done.then(close);

  print(
    `Local mode: you are ${me.first_name} (admin). Type /help. Numbers press buttons. Ctrl-D or /quit to leave.\n` +
      `Button numbers keep counting up across messages; an edited or deleted message's old numbers stop working. ` +
      `Start a line with \\ to send a bare number as text.`,
  );
  if (tty) rl.prompt();
  return { close, done };
}

/** Telegram text for a terminal: tags removed, entities decoded, styles as ANSI codes when `color`. */
export function renderTelegramText(text: string, parseMode: string | undefined, color: boolean): string {
  if (parseMode?.toLowerCase() !== "html") return text;
  let parsed: { text: string; entities: MessageEntity[] };
  try {
    parsed = parseTelegramHtml(text);
  } catch {
    return text; // The emulator rejects malformed HTML, so this is only a safety net.
  }
  const opens = new Map<number, string[]>();
  const closes = new Map<number, string[]>();
  const add = (map: Map<number, string[]>, at: number, code: string, front: boolean): void => {
    const list = map.get(at) ?? [];
    if (front) list.unshift(code);
    else list.push(code);
    map.set(at, list);
  };
  for (const entity of parsed.entities) {
    const style = color ? STYLE[entity.type] : undefined;
    const end = entity.offset + entity.length;
    let suffix = "";
    if (entity.type === "text_link" && entity.url && entity.url !== parsed.text.slice(entity.offset, end)) {
      suffix = ` (${entity.url})`;
    }
    if (style) add(opens, entity.offset, style[0], false);
    // Entities are sorted outer-first, so inner ones must close first: prepend.
    if (style || suffix) add(closes, end, (style?.[1] ?? "") + suffix, true);
  }
  let out = "";
  for (let i = 0; i <= parsed.text.length; i += 1) {
    out += (closes.get(i) ?? []).join("") + (opens.get(i) ?? []).join("");
    if (i < parsed.text.length) out += parsed.text[i];
  }
  return out;
}
