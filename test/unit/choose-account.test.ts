import { describe, expect, it } from "vitest";
import { chooseAccount, findAccount, type ChoosableAccount } from "../../src/app/accounts/choose-account.js";
import { takeAccountWord, tradesInPhase } from "../../src/adapters/telegram/account-choice.js";

const shadow: ChoosableAccount = { id: "a1b2c3d4-0000-4000-8000-000000000001", name: "shadow", mode: "shadow", phase: "live-prep" };
const live: ChoosableAccount = { id: "a1b2ffff-0000-4000-8000-000000000002", name: "Live", mode: "live", phase: "micro" };
const prep: ChoosableAccount = { id: "c0ffee00-0000-4000-8000-000000000003", name: "live2", mode: "live", phase: "live-prep" };
const accounts = [shadow, live];

describe("findAccount", () => {
  it("matches a name case-insensitively, with or without @", () => {
    expect(findAccount(accounts, "LIVE")).toBe(live);
    expect(findAccount(accounts, "@Shadow")).toBe(shadow);
  });
  it("matches a unique id prefix of at least 4 hex characters", () => {
    expect(findAccount(accounts, "a1b2c")).toBe(shadow);
    expect(findAccount(accounts, "A1B2F")).toBe(live);
    // Shared by both: no guess.
    expect(findAccount(accounts, "a1b2")).toBeUndefined();
    // Too short, even when unique.
    expect(findAccount([shadow], "a1b")).toBeUndefined();
    expect(findAccount(accounts, "zzzz")).toBeUndefined();
    expect(findAccount(accounts, "")).toBeUndefined();
  });
});

describe("chooseAccount", () => {
  it("an explicit name wins over the default and over eligibility", () => {
    expect(chooseAccount({ accounts, explicit: "live", defaultAccountId: shadow.id, eligible: (a) => a === shadow })).toEqual({ kind: "chosen", account: live, by: "explicit" });
  });
  it("an unknown explicit name lists the names and chooses nothing, even with a default", () => {
    expect(chooseAccount({ accounts, explicit: "paper", defaultAccountId: shadow.id })).toEqual({ kind: "unknown", token: "paper", names: ["shadow", "Live"] });
  });
  it("the default, when it could be meant", () => {
    expect(chooseAccount({ accounts, defaultAccountId: live.id })).toEqual({ kind: "chosen", account: live, by: "default" });
  });
  it("the only account that could be meant", () => {
    expect(chooseAccount({ accounts: [shadow] })).toEqual({ kind: "chosen", account: shadow, by: "only" });
    expect(chooseAccount({ accounts: [shadow, prep], eligible: tradesInPhase })).toEqual({ kind: "chosen", account: shadow, by: "only" });
  });
  it("asks when more than one could be meant and none is chosen", () => {
    expect(chooseAccount({ accounts, eligible: tradesInPhase })).toEqual({ kind: "ask", candidates: [shadow, live], ineligibleDefault: null });
    // A default that no longer exists is no default.
    expect(chooseAccount({ accounts, defaultAccountId: prep.id })).toEqual({ kind: "ask", candidates: [shadow, live], ineligibleDefault: null });
  });
  it("a default that cannot be meant is not used, and not silently replaced by another: ask, saying so", () => {
    expect(chooseAccount({ accounts: [shadow, prep], defaultAccountId: prep.id, eligible: tradesInPhase })).toEqual({ kind: "ask", candidates: [shadow], ineligibleDefault: prep });
    expect(chooseAccount({ accounts: [prep], defaultAccountId: prep.id, eligible: tradesInPhase })).toEqual({ kind: "none", ineligibleDefault: prep });
  });
  it("none when no account exists or none could be meant", () => {
    expect(chooseAccount({ accounts: [] })).toEqual({ kind: "none", ineligibleDefault: null });
    expect(chooseAccount({ accounts: [] , explicit: "live" })).toEqual({ kind: "unknown", token: "live", names: [] });
    expect(chooseAccount({ accounts, eligible: () => false })).toEqual({ kind: "none", ineligibleDefault: null });
  });
});

describe("takeAccountWord", () => {
  it("takes @name from anywhere and passes the rest (flags included) through in order", () => {
    expect(takeAccountWord("BUY NKE 1 @live")).toEqual({ ok: true, rest: "BUY NKE 1", explicit: "live" });
    expect(takeAccountWord("@live BUY NKE 1 --mirror")).toEqual({ ok: true, rest: "BUY NKE 1 --mirror", explicit: "live" });
    expect(takeAccountWord("  BUY   NKE 1 ")).toEqual({ ok: true, rest: "BUY NKE 1", explicit: null });
    expect(takeAccountWord("")).toEqual({ ok: true, rest: "", explicit: null });
    expect(takeAccountWord("NKE @live @LIVE")).toEqual({ ok: true, rest: "NKE", explicit: "LIVE" });
  });
  it("refuses two different names, and a bare @", () => {
    expect(takeAccountWord("NKE @live @shadow")).toMatchObject({ ok: false });
    expect(takeAccountWord("NKE @")).toMatchObject({ ok: false });
  });
});
