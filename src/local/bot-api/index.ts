export { startBotApiEmulator } from "./emulator.js";
export type {
  BotApiEmulator,
  BotApiEmulatorOptions,
  BotCommand,
  ChatEvent,
  EmulatedButton,
  EmulatedMessage,
  EmulatorUser,
  EmulatorUserApi,
  InjectedError,
  RecordedCall,
} from "./types.js";
export { parseTelegramHtml, type MessageEntity } from "./html.js";
