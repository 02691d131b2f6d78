import { startTerminalChat } from "../local/terminal-chat.js";
import type { Runtime } from "./runtime.js";
import type { TelegramLink } from "./telegram.js";

/**
 * Local mode's terminal chat: the operator types commands and reads replies in this terminal,
 * as an admin. Without a terminal (CI, a service manager) the desk runs headless and says so;
 * the emulator still answers on its user API.
 */
/** `stop` is the process's one stop (exitOnSignals): closing the chat stops the desk the same way Ctrl-C does. */
export function startLocalChat(runtime: Runtime, local: NonNullable<TelegramLink["local"]>, stop: (reason: string) => void): { close(): void } | undefined {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI;
  if (!interactive) {
    runtime.log.info({ userApi: `${local.emulator.apiRoot}/_user` }, "local Telegram mode is headless (no terminal): set TELEGRAM_BOT_TOKEN for a real bot, or run npm start in a terminal to chat");
    return undefined;
  }
  const chat = startTerminalChat({ user: local.emulator.user, me: local.admin, input: process.stdin, output: process.stdout, color: true });
  // The chat also closes when the desk stops for another reason: then this request is a no-op.
  void chat.done.then(() => stop("the terminal chat closed"));
  return chat;
}
