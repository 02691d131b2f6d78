import { describe, expect, it } from "vitest";
import { renderAlert } from "../../src/adapters/telegram/telegram-notifier.js";

const at = new Date("2026-11-24T16:00:00Z");

describe("a pushed alert", () => {
  it("names the account, and says LIVE when real money is at stake", () => {
    const base = { kind: "halted" as const, accountId: "a", title: "HALTED live: phase_loss", lines: ["phase_loss: $10.00 vs limit $10.00"], at };
    expect(renderAlert({ ...base, accountName: "live", accountMode: "live" })).toContain("<i>🔴 LIVE · live · ");
    expect(renderAlert({ ...base, accountName: "shadow", accountMode: "shadow" })).toContain("<i>shadow · ");
    expect(renderAlert({ ...base, accountName: "shadow" })).not.toContain("LIVE");
  });
});
