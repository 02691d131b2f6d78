import { UnrecoverableError } from "bullmq";
import { GrammyError } from "grammy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { classifyFailure, isTemporaryFailure } from "../../src/adapters/queue/failure-kind.js";

const telegram = (code: number) => new GrammyError("call failed", { ok: false, error_code: code, description: `error ${code}` }, "sendMessage", {});
const pg = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe("job failures", () => {
  it.each([
    ["a network error", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    ["Telegram 429", telegram(429)],
    ["Telegram 502", telegram(502)],
    ["a serialisation conflict", pg("40001")],
    ["PostgreSQL shutting down", pg("57P01")],
    ["an error that says nothing more", new Error("timeout")],
  ])("retries %s", (_name, error) => {
    expect(isTemporaryFailure(error)).toBe(true);
    expect(classifyFailure(error)).toBe(error);
  });

  it.each([
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["invalid data", (() => { try { z.number().parse("x"); } catch (e) { return e; } })()],
    ["Telegram 400", telegram(400)],
    ["Telegram 403 (the bot was blocked)", telegram(403)],
    ["a unique violation", pg("23505")],
    ["a numeric overflow", pg("22003")],
    ["an explicit UnrecoverableError", new UnrecoverableError("no")],
  ])("does not retry %s", (_name, error) => {
    expect(isTemporaryFailure(error)).toBe(false);
    expect(classifyFailure(error)).toBeInstanceOf(UnrecoverableError);
  });
});
