import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Bot, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBotApiEmulator, type BotApiEmulator } from "../../src/local/bot-api/index.js";
import { renderTelegramText, startTerminalChat } from "../../src/local/terminal-chat.js";

const TOKEN = "7000000001:terminal-test-token";
const ANN = { id: 101, first_name: "Ann" };
const KEYBOARD = { inline_keyboard: [[{ text: "Approve", callback_data: "approve:1" }, { text: "Deny", callback_data: "deny:1" }]] };

let emulator: BotApiEmulator;
let photoDir: string;
let bot: Bot;
let polling: Promise<void>;
let pressed: string[];
let input: PassThrough;
let output: PassThrough;
let printed: string;
let chat: ReturnType<typeof startTerminalChat>;

beforeEach(async () => {
  photoDir = await mkdtemp(join(tmpdir(), "war-room-terminal-test-"));
  emulator = await startBotApiEmulator({ token: TOKEN, photoDir });
  bot = new Bot(TOKEN, { client: { apiRoot: emulator.apiRoot } });
  pressed = [];
  bot.command("start", (ctx) =>
    ctx.reply('<b>P&amp;L</b> &lt; 0 &quot;today&quot; &#39;ok&#39; <a href="https://desk.test/pnl">chart</a> <code>AAPL</code>', {
      parse_mode: "HTML",
      reply_markup: KEYBOARD,
    }),
  );
  bot.on("callback_query:data", async (ctx) => {
    pressed.push(ctx.callbackQuery.data);
    await ctx.answerCallbackQuery({ text: `got ${ctx.callbackQuery.data}` });
  });
  bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
  // Stopping grammY while it is still starting up leaves a rejected start(); wait until it polls.
  await new Promise<void>((resolve) => {
    polling = bot.start({ drop_pending_updates: false, onStart: () => resolve() });
  });
  input = new PassThrough();
  output = new PassThrough();
  printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  chat = startTerminalChat({ user: emulator.user, me: ANN, input, output, color: false });
});

afterEach(async () => {
  chat.close();
  await bot.stop();
  await polling;
  await emulator.close();
  await rm(photoDir, { recursive: true, force: true });
});

async function waitForOutput(fragment: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!printed.includes(fragment)) {
    if (Date.now() > deadline) throw new Error(`terminal never printed ${JSON.stringify(fragment)}; it printed:\n${printed}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("terminal chat", () => {
  it("prints the hint, then bot HTML decoded and stripped with numbered buttons", async () => {
    expect(printed).toContain("Local mode: you are Ann (admin). Type /help. Numbers press buttons. Ctrl-D or /quit to leave.");
    input.write("/start\n");
    await waitForOutput("[2] Deny");
    expect(printed).toContain(`bot #2: P&L < 0 "today" 'ok' chart (https://desk.test/pnl) AAPL\n  [1] Approve  [2] Deny\n`);
  });

  it("presses the button with the typed number and prints the answer", async () => {
    input.write("/start\n");
    await waitForOutput("[2] Deny");
    input.write("2\n");
    await waitForOutput("  » got deny:1");
    expect(pressed).toEqual(["deny:1"]);
    // Numbers keep counting up; a bare number that is no button goes out as text, "\" forces text.
    input.write("7\n\\1\n");
    await waitForOutput("echo: 1");
    expect(printed).toContain("echo: 7");
    expect(pressed).toEqual(["deny:1"]);
  });

  it("shows edits with fresh numbers, retires the old ones, and shows deletions and photos", async () => {
    const sent = await bot.api.sendMessage(ANN.id, "Order pending", { reply_markup: KEYBOARD });
    await waitForOutput("[1] Approve  [2] Deny");
    await bot.api.editMessageText(ANN.id, sent.message_id, "Order <i>approved</i>", { parse_mode: "HTML", reply_markup: KEYBOARD });
    await waitForOutput(`bot #${sent.message_id} (edited): Order approved\n  [3] Approve  [4] Deny`);
    input.write("1\n");
    await waitForOutput("button [1] is no longer shown");
    await bot.api.deleteMessage(ANN.id, sent.message_id);
    await waitForOutput(`(message #${sent.message_id} deleted)`);
    await bot.api.sendPhoto(ANN.id, new InputFile(Buffer.from("not really a png"), "chart.png"), { caption: "Equity" });
    const photo = emulator.user.lastBotMessage(ANN.id);
    await waitForOutput(`[photo saved: ${photo?.photoPath}] Equity`);
  });

  it("ends on /quit without sending it, and on end of input", async () => {
    input.write("/quit\n");
    await chat.done;
    expect(emulator.user.messages(ANN.id).map((m) => m.text)).not.toContain("/quit");

    const second = startTerminalChat({ user: emulator.user, me: ANN, input: new PassThrough(), output: new PassThrough() });
    const ended = new PassThrough();
    const third = startTerminalChat({ user: emulator.user, me: ANN, input: ended, output: new PassThrough() });
    ended.end();
    await third.done;
    second.close();
    await second.done;
  });

  it("renders styles as ANSI codes when color is on", () => {
    expect(renderTelegramText("<b>Halt</b> <code>x</code>", "HTML", true)).toBe("\x1b[1mHalt\x1b[22m \x1b[36mx\x1b[39m");
    expect(renderTelegramText('<a href="https://a.test">https://a.test</a>', "HTML", false)).toBe("https://a.test");
    expect(renderTelegramText("<b>raw</b>", undefined, true)).toBe("<b>raw</b>");
  });
});
