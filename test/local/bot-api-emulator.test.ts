import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { run } from "@grammyjs/runner";
import { Bot, GrammyError, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBotApiEmulator, type BotApiEmulator } from "../../src/local/bot-api/index.js";

const TOKEN = "7000000001:local-test-token";
const ANN = { id: 101, first_name: "Ann", username: "ann" };
const KEYBOARD = { inline_keyboard: [[{ text: "Approve", callback_data: "approve:1" }, { text: "Deny", callback_data: "deny:1" }]] };
const NOT_MODIFIED =
  "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

let emulator: BotApiEmulator;
let photoDir: string;
let bots: Bot[] = [];

beforeEach(async () => {
  photoDir = await mkdtemp(join(tmpdir(), "war-room-emulator-test-"));
  emulator = await startBotApiEmulator({ token: TOKEN, photoDir });
  emulator.user.registerUser(ANN);
});

afterEach(async () => {
  for (const bot of bots) if (bot.isRunning()) await bot.stop();
  bots = [];
  await emulator.close();
  await rm(photoDir, { recursive: true, force: true });
});

function newBot(): Bot {
  const bot = new Bot(TOKEN, { client: { apiRoot: emulator.apiRoot } });
  bots.push(bot);
  return bot;
}

interface ApiAnswer {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/** A raw Bot API call over HTTP, to see status codes and exact JSON. */
async function call(method: string, params: Record<string, unknown> = {}, token = TOKEN): Promise<{ status: number; body: ApiAnswer }> {
  const response = await fetch(`${emulator.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as ApiAnswer };
}

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

/** A valid 2×2 RGB PNG. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("Bot API emulator over HTTP", () => {
  it("answers getMe like Telegram, any method-name case, GET or POST", async () => {
    const me = await newBot().api.getMe();
    expect(me).toMatchObject({ id: 7000000001, is_bot: true, username: "war_room_local_bot", can_join_groups: false });
    const viaGet = await fetch(`${emulator.apiRoot}/bot${TOKEN}/GETME`);
    expect(await viaGet.json()).toMatchObject({ ok: true, result: { id: 7000000001 } });
  });

  it("rejects a wrong token with 401 and an unknown method with 404", async () => {
    expect(await call("getMe", {}, "1:wrong")).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    expect(await call("sendTelepathy")).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found: method not found" },
    });
  });

  it("sends, edits and deletes messages with Telegram's errors", async () => {
    const api = newBot().api;
    const sent = await api.sendMessage(ANN.id, "Order #1 pending", { reply_markup: KEYBOARD });
    expect(sent).toMatchObject({ chat: { id: ANN.id, type: "private", first_name: "Ann" }, from: { is_bot: true }, text: "Order #1 pending" });
    expect(sent.reply_markup).toEqual(KEYBOARD);
    expect(emulator.user.lastBotMessage(ANN.id)?.buttons[0]?.map((b) => b.callbackData)).toEqual(["approve:1", "deny:1"]);

    const same = api.editMessageText(ANN.id, sent.message_id, "Order #1 pending", { reply_markup: KEYBOARD });
    expect((await apiError(same)).description).toBe(NOT_MODIFIED);
    // Omitting reply_markup removes the keyboard, as in Telegram.
    const edited = await api.editMessageText(ANN.id, sent.message_id, "Order #1 approved");
    expect(edited).toMatchObject({ text: "Order #1 approved", edit_date: expect.any(Number) });
    expect(edited).not.toHaveProperty("reply_markup");
    expect(emulator.user.lastBotMessage(ANN.id)).toMatchObject({ text: "Order #1 approved", buttons: [], editedAt: expect.any(Number) });
    await api.editMessageReplyMarkup(ANN.id, sent.message_id, { reply_markup: KEYBOARD });
    expect((await apiError(api.editMessageReplyMarkup(ANN.id, sent.message_id, { reply_markup: KEYBOARD }))).description).toBe(NOT_MODIFIED);

    expect(await api.deleteMessage(ANN.id, sent.message_id)).toBe(true);
    expect(emulator.user.messages(ANN.id)).toEqual([]);
    expect((await apiError(api.deleteMessage(ANN.id, sent.message_id))).description).toBe("Bad Request: message to delete not found");
    expect((await apiError(api.editMessageText(ANN.id, sent.message_id, "x"))).description).toBe("Bad Request: message to edit not found");
    expect((await apiError(api.sendMessage(555, "hi"))).description).toBe("Bad Request: chat not found");
    expect((await apiError(api.sendMessage(ANN.id, ""))).description).toBe("Bad Request: message text is empty");
    const badButton = api.sendMessage(ANN.id, "x", { reply_markup: { inline_keyboard: [[{ text: "x", callback_data: "d".repeat(65) }]] } });
    expect((await apiError(badButton)).error_code).toBe(400);
    expect((await apiError(badButton)).description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  it("validates HTML like Telegram and returns plain text with entities", async () => {
    const api = newBot().api;
    for (const bad of ["P&L < 0", "1 < 2", "AT&T", "<b>unclosed", "<b>x</i>", "<blink>x</blink>"]) {
      const error = await apiError(api.sendMessage(ANN.id, bad, { parse_mode: "HTML" }));
      expect(error.error_code).toBe(400);
      expect(error.description).toMatch(/^Bad Request: can't parse entities: /);
    }
    const ok = await api.sendMessage(ANN.id, '<b>P&amp;L</b> &lt; 0 <a href="https://x.test/?a=1&amp;b=2">chart</a>', { parse_mode: "HTML" });
    expect(ok.text).toBe("P&L < 0 chart");
    expect(ok.entities).toEqual([
      { type: "bold", offset: 0, length: 3 },
      { type: "text_link", offset: 8, length: 5, url: "https://x.test/?a=1&b=2" },
    ]);
    expect(emulator.user.lastBotMessage(ANN.id)).toMatchObject({ parseMode: "HTML", plainText: "P&L < 0 chart" });
    // Plain text (no parse_mode) may contain anything.
    expect((await api.sendMessage(ANN.id, "1 < 2 & 3")).text).toBe("1 < 2 & 3");
  });

  it("rejects text over 4096 characters", async () => {
    const api = newBot().api;
    await expect(api.sendMessage(ANN.id, "x".repeat(4096))).resolves.toMatchObject({ text: "x".repeat(4096) });
    expect(await call("sendMessage", { chat_id: ANN.id, text: "x".repeat(4097) })).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: "Bad Request: message is too long" },
    });
  });

  it("getUpdates honours offset, limit and timeout", async () => {
    for (const text of ["one", "two", "three"]) await emulator.user.sendText(ANN, text);
    const ids = (body: ApiAnswer): number[] => (body.result as { update_id: number }[]).map((u) => u.update_id);
    expect(ids((await call("getUpdates", { limit: 2 })).body)).toEqual([1, 2]);
    expect(ids((await call("getUpdates")).body)).toEqual([1, 2, 3]); // nothing confirmed yet
    expect(ids((await call("getUpdates", { offset: 2 })).body)).toEqual([2, 3]);
    expect(ids((await call("getUpdates", { offset: 4 })).body)).toEqual([]);
    expect(ids((await call("getUpdates")).body)).toEqual([]); // confirmed for good

    const started = Date.now();
    const poll = call("getUpdates", { offset: 4, timeout: 20 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await emulator.user.sendText(ANN, "/status");
    const { body } = await poll;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(body.result).toEqual([
      { update_id: 4, message: expect.objectContaining({ text: "/status", entities: [{ type: "bot_command", offset: 0, length: 7 }] }) },
    ]);

    const empty = Date.now();
    expect((await call("getUpdates", { offset: 5, timeout: 1 })).body).toEqual({ ok: true, result: [] });
    expect(Date.now() - empty).toBeGreaterThanOrEqual(900);
  });

  it("answers a second concurrent getUpdates with 409, and refuses polling while a webhook is set", async () => {
    const first = call("getUpdates", { timeout: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await call("getUpdates", { timeout: 20 })).toEqual({
      status: 409,
      body: {
        ok: false,
        error_code: 409,
        description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      },
    });
    await emulator.user.sendText(ANN, "hello");
    expect((await first).body.result).toHaveLength(1);

    expect((await call("setWebhook", { url: "https://desk.example/hook" })).body).toEqual({ ok: true, result: true });
    expect((await call("getWebhookInfo")).body.result).toMatchObject({ url: "https://desk.example/hook", pending_update_count: 1 });
    expect((await call("getUpdates")).body).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    await call("deleteWebhook");
    expect((await call("getUpdates")).body.result).toHaveLength(1);
  });

  it("ends a pending long poll with [] on close", async () => {
    const poll = call("getUpdates", { timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await emulator.close();
    expect((await poll).body).toEqual({ ok: true, result: [] });
  });

  it("saves a multipart PNG upload to photoDir and reads its size", async () => {
    const api = newBot().api;
    const png = tinyPng();
    const sent = await api.sendPhoto(ANN.id, new InputFile(png, "equity.png"), {
      caption: "<b>Equity</b> &amp; drawdown",
      parse_mode: "HTML",
      reply_markup: KEYBOARD, // arrives as a JSON string inside multipart
    });
    expect(sent.photo).toEqual([{ file_id: expect.any(String), file_unique_id: expect.any(String), width: 2, height: 2, file_size: png.length }]);
    expect(sent.caption).toBe("Equity & drawdown");
    expect(sent.reply_markup).toEqual(KEYBOARD);
    const shown = emulator.user.lastBotMessage(ANN.id);
    expect(shown?.photoPath).toMatch(/^.*\.png$/);
    expect(shown?.photoPath?.startsWith(photoDir)).toBe(true);
    expect(await readFile(shown?.photoPath ?? "")).toEqual(png);
    expect(shown).toMatchObject({ caption: "<b>Equity</b> &amp; drawdown", plainText: "Equity & drawdown", buttons: [[{ text: "Approve" }, { text: "Deny" }]] });

    // Sending the returned file_id again needs no upload.
    const again = await api.sendPhoto(ANN.id, sent.photo[0]?.file_id ?? "");
    expect(again.photo[0]).toMatchObject({ width: 2, height: 2 });
    const doc = await api.sendDocument(ANN.id, new InputFile(Buffer.from("date,equity\n"), "equity.csv"));
    expect(doc.document).toMatchObject({ file_name: "equity.csv", mime_type: "text/csv", file_size: 12 });
    expect((await readdir(photoDir)).sort()).toEqual([expect.stringMatching(/^document-.*\.csv$/), expect.stringMatching(/^photo-.*\.png$/)]);

    const huge = Buffer.alloc(10 * 1024 * 1024 + 1);
    expect((await apiError(api.sendPhoto(ANN.id, new InputFile(huge, "huge.png")))).description).toBe("Bad Request: file is too big");
  });

  it("validates setMyCommands and returns the commands", async () => {
    const api = newBot().api;
    const commands = [
      { command: "start", description: "Open the desk" },
      { command: "kill_switch", description: "Halt trading" },
    ];
    expect(await api.setMyCommands(commands)).toBe(true);
    expect(await api.getMyCommands()).toEqual(commands);
    expect(emulator.user.commands()).toEqual(commands);
    expect((await apiError(api.setMyCommands([{ command: "Start!", description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect((await apiError(api.setMyCommands([{ command: "x".repeat(33), description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect((await apiError(api.setMyCommands([{ command: "start", description: "" }]))).description).toBe(
      "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
    );
  });

  it("answers a callback query once; a second answer is 'query is too old'", async () => {
    const sent = await newBot().api.sendMessage(ANN.id, "Approve?", { reply_markup: KEYBOARD });
    const pressed = emulator.user.press(ANN, ANN.id, sent.message_id, "approve:1");
    const [update] = (await call("getUpdates")).body.result as { callback_query: { id: string } }[];
    expect(update?.callback_query).toMatchObject({ from: { id: ANN.id }, data: "approve:1", message: { message_id: sent.message_id } });
    const id = update?.callback_query.id;
    expect((await call("answerCallbackQuery", { callback_query_id: id, text: "Approved" })).body).toEqual({ ok: true, result: true });
    expect(await pressed).toEqual({ text: "Approved" });
    expect(await call("answerCallbackQuery", { callback_query_id: id })).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: "Bad Request: query is too old and response timeout expired or query ID is invalid" },
    });
    expect(await emulator.user.press(ANN, ANN.id, sent.message_id, "deny:1", { timeoutMs: 50 })).toBeUndefined();
  });

  it("injects a 429 with retry_after in parameters, once", async () => {
    emulator.user.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 3", retry_after: 3 });
    expect(await call("sendMessage", { chat_id: ANN.id, text: "hi" })).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } },
    });
    emulator.user.failNext("SENDMESSAGE", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    const error = await apiError(newBot().api.sendMessage(ANN.id, "hi"));
    expect(error.parameters.retry_after).toBe(1);
    expect((await call("sendMessage", { chat_id: ANN.id, text: "hi" })).status).toBe(200);
    expect(emulator.user.calls("sendmessage")).toHaveLength(3);
  });

  it("serves a grammY bot polling with bot.start(), buttons included", async () => {
    const bot = newBot();
    bot.command("start", (ctx) => ctx.reply("Welcome, <b>Ann</b>", { parse_mode: "HTML", reply_markup: KEYBOARD }));
    bot.callbackQuery(/^approve:/, async (ctx) => {
      // Stale buttons reach the bot as an inaccessible message (date 0), as in the Bot API.
      await ctx.answerCallbackQuery({ text: ctx.callbackQuery.message?.date === 0 ? "Expired" : "Approved" });
    });
    const polling = bot.start({ drop_pending_updates: false });
    await emulator.user.sendText(ANN, "/start");
    const welcome = await emulator.user.waitForBotMessage(ANN.id, (m) => m.plainText === "Welcome, Ann");
    expect(welcome.buttons[0]?.[0]).toEqual({ text: "Approve", callbackData: "approve:1" });
    expect(await emulator.user.press(ANN, ANN.id, welcome.messageId, "approve:1")).toEqual({ text: "Approved" });
    expect(await emulator.user.press(ANN, ANN.id, 999, "approve:1")).toEqual({ text: "Expired" });
    await bot.stop();
    await polling;
  });

  it("serves @grammyjs/runner", async () => {
    const bot = newBot();
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const runner = run(bot);
    await emulator.user.sendText(ANN, "ping");
    await expect(emulator.user.waitForBotMessage(ANN.id, (m) => m.text === "echo: ping")).resolves.toMatchObject({ fromBot: true });
    await runner.stop();
  });

  it("times out waitForBotMessage with the chat's last bot messages", async () => {
    await newBot().api.sendMessage(ANN.id, "Kill switch armed");
    await expect(emulator.user.waitForBotMessage(ANN.id, (m) => m.text === "never", { timeoutMs: 50 })).rejects.toThrow(
      /no bot message in chat 101 matched within 50 ms; last bot messages:\n {2}#1: "Kill switch armed"/,
    );
  });

  it("exposes the user API over HTTP", async () => {
    const post = (name: string, body: unknown): Promise<Response> =>
      fetch(`${emulator.apiRoot}/_user/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(await (await post("sendText", { user: ANN, text: "hi" })).json()).toMatchObject({ ok: true, result: { text: "hi" } });
    const messages = await (await fetch(`${emulator.apiRoot}/_user/messages?chatId=${ANN.id}`)).json();
    expect(messages).toMatchObject({ ok: true, result: [{ fromBot: false, text: "hi" }] });
    expect((await post("sendText", { user: { id: "x" }, text: "" })).status).toBe(400);
  });
});
