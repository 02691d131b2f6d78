import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { evaluateChecklist, missingItems, reconcileBroker, type ChecklistInput, type LivePrepEvidence } from "../../src/domain/live-prep-checklist.js";

// 09:00 ET on 2026-11-24; live-prep began an hour earlier.
const NOW = new Date("2026-11-24T14:00:00Z");
const SINCE = new Date("2026-11-24T13:00:00Z");
const at = (minutesAfterSince: number) => new Date(SINCE.getTime() + minutesAfterSince * 60_000);
const evidence = (e: Partial<LivePrepEvidence> & Pick<LivePrepEvidence, "kind">): LivePrepEvidence => ({ passed: true, subject: "", summary: "", actor: "tg:101", at: at(30), cash: null, ...e });

const GREEN: ChecklistInput = {
  since: SINCE,
  now: NOW,
  killSwitchEvents: [
    { event: "halted", accountName: "shadow", actor: "tg:101", at: at(2) },
    { event: "resumed", accountName: "shadow", actor: "tg:105", at: at(5) },
  ],
  policy: { shadowRequiresApproval: true, fourEyes: false },
  admins: ["tg:101", "tg:105"],
  evidence: [
    evidence({ kind: "alert_delivery", subject: "tg:101", summary: "delivered", at: at(10) }),
    evidence({ kind: "alert_delivery", subject: "tg:105", summary: "delivered", at: at(11) }),
    evidence({ kind: "broker_check", subject: "kis:real", summary: "token, quote NKE 63.03, positions: none", at: at(20) }),
    evidence({ kind: "broker_reconciled", subject: "kis:real", summary: "no position at the broker; USD cash $250.00 covers micro's $100.00", cash: new Dec("250"), at: at(20) }),
  ],
};

const item = (input: ChecklistInput, id: string) => evaluateChecklist(input).items.find((i) => i.item === id)!;

describe("the live-prep checklist", () => {
  it("passes with every item on record, each showing its evidence, and carries the reconciled cash", () => {
    const checklist = evaluateChecklist(GREEN);
    expect(checklist.passed).toBe(true);
    expect(checklist.brokerCash?.toFixed(2)).toBe("250.00");
    expect(checklist.items.map((i) => [i.item, i.label, i.passed, i.evidence, i.missing])).toEqual([
      ["kill_switch_tested", "Kill switch tested", true, "halted 2026-11-24 08:02 ET by tg:101, resumed 08:05 ET by tg:105 on shadow", null],
      ["approvals_on", "Approvals on", true, "live orders always wait for a trader; FOUR_EYES=off", null],
      ["alerts_delivered", "Alerts delivered to every admin", true, "delivered to tg:101 2026-11-24 08:10 ET, tg:105 2026-11-24 08:11 ET", null],
      ["broker_check", "Broker check within 24 h", true, "passed 2026-11-24 08:20 ET by tg:101 (kis:real): token, quote NKE 63.03, positions: none", null],
      ["broker_reconciled", "Broker cash and positions reconciled", true, "2026-11-24 08:20 ET: no position at the broker; USD cash $250.00 covers micro's $100.00", null],
    ]);
    expect(missingItems(checklist)).toEqual([]);
  });

  it("is all red on an empty record, each item saying what to do", () => {
    const checklist = evaluateChecklist({ ...GREEN, killSwitchEvents: [], evidence: [] });
    expect(checklist.passed).toBe(false);
    expect(checklist.brokerCash).toBeNull();
    expect(missingItems(checklist)).toEqual([
      "Kill switch tested: halt an account with /halt, then resume it with /resume",
      "Alerts delivered to every admin: send /phase alerts (each admin must have started a chat with the bot)",
      "Broker check within 24 h: run /phase check (or npm run kis:check with DATABASE_URL set)",
      "Broker cash and positions reconciled: run /phase check (or npm run kis:check with DATABASE_URL set)",
    ]);
  });

  it("kill switch: needs a resume after a halt, both since live-prep began, on any account", () => {
    const onlyHalt = { ...GREEN, killSwitchEvents: [GREEN.killSwitchEvents[0]!] };
    expect(item(onlyHalt, "kill_switch_tested")).toMatchObject({ passed: false, evidence: "halted 2026-11-24 08:02 ET by tg:101 on shadow, no resume since", missing: "resume it with /resume (override code)" });
    const resumeFirst = { ...GREEN, killSwitchEvents: [{ ...GREEN.killSwitchEvents[1]!, at: at(1) }, GREEN.killSwitchEvents[0]!] };
    expect(item(resumeFirst, "kill_switch_tested").passed).toBe(false);
    const before = { ...GREEN, killSwitchEvents: GREEN.killSwitchEvents.map((e) => ({ ...e, at: new Date(SINCE.getTime() - 60_000) })) };
    expect(item(before, "kill_switch_tested")).toMatchObject({ passed: false, evidence: "no halt since live-prep began (2026-11-24 08:00 ET)" });
    const twoAccounts = { ...GREEN, killSwitchEvents: [GREEN.killSwitchEvents[0]!, { ...GREEN.killSwitchEvents[1]!, accountName: "live" }] };
    expect(item(twoAccounts, "kill_switch_tested").evidence).toBe("halted 2026-11-24 08:02 ET by tg:101, resumed 08:05 ET by tg:105 (shadow, then live)");
  });

  it("approvals: read from the policy (four eyes shown as set)", () => {
    expect(item({ ...GREEN, policy: { shadowRequiresApproval: false, fourEyes: true } }, "approvals_on")).toMatchObject({ passed: true, evidence: "live orders always wait for a trader; FOUR_EYES=on" });
  });

  it("alerts: every admin needs a delivery since live-prep began; a failure is named", () => {
    const oneFailed = { ...GREEN, evidence: [GREEN.evidence[0]!, evidence({ kind: "alert_delivery", subject: "tg:105", passed: false, summary: "Forbidden: bot was blocked by the user", at: at(11) }), ...GREEN.evidence.slice(2)] };
    expect(item(oneFailed, "alerts_delivered")).toMatchObject({
      passed: false,
      evidence: "delivered to tg:101 2026-11-24 08:10 ET; not delivered to tg:105 (failed: Forbidden: bot was blocked by the user)",
      missing: "send /phase alerts (each admin must have started a chat with the bot)",
    });
    const beforeLivePrep = { ...GREEN, evidence: GREEN.evidence.map((e) => (e.kind === "alert_delivery" ? { ...e, at: at(-5) } : e)) };
    expect(item(beforeLivePrep, "alerts_delivered")).toMatchObject({ passed: false, evidence: "not delivered to tg:101, tg:105" });
    expect(item({ ...GREEN, admins: [] }, "alerts_delivered")).toMatchObject({ passed: false, missing: "name the admins in ADMIN_IDS" });
  });

  it("broker check and reconciliation: the latest within 24 h decides; older ones have expired", () => {
    const later = { ...GREEN, now: new Date(at(20).getTime() + 24 * 3_600_000 + 1) };
    expect(item(later, "broker_check")).toMatchObject({ passed: false, evidence: "last check 2026-11-24 08:20 ET, more than 24 h ago" });
    expect(evaluateChecklist(later)).toMatchObject({ passed: false, brokerCash: null });
    const failedAfter = { ...GREEN, evidence: [...GREEN.evidence, evidence({ kind: "broker_check", subject: "kis:real", passed: false, summary: "KIS: invalid token", at: at(40) })] };
    expect(item(failedAfter, "broker_check")).toMatchObject({ passed: false, evidence: "failed 2026-11-24 08:40 ET (kis:real): KIS: invalid token", missing: "fix it, then run /phase check (or npm run kis:check with DATABASE_URL set)" });
  });
});

describe("reconciling the broker with the desk", () => {
  const base = { cash: new Dec("250"), requiredCash: new Dec(100), requiredFor: "micro" };

  it("no live account yet: the broker must hold nothing; cash must cover micro's capital", () => {
    expect(reconcileBroker({ ...base, broker: [], book: null })).toEqual({ passed: true, mismatches: [], summary: "no position at the broker (no live account yet); USD cash $250.00 covers micro's $100.00" });
    expect(reconcileBroker({ ...base, broker: [{ ticker: "NKE", quantity: 3 }], book: null, cash: new Dec("99.99") })).toEqual({
      passed: false,
      mismatches: ["NKE: the broker holds 3 that no desk account knows", "USD cash $99.99 does not cover micro's $100.00"],
      summary: "NKE: the broker holds 3 that no desk account knows; USD cash $99.99 does not cover micro's $100.00",
    });
    expect(reconcileBroker({ ...base, broker: [], book: null, cash: null }).summary).toBe("the broker's USD cash could not be read");
  });

  it("a live account: the broker's shares must equal its book, ticker by ticker", () => {
    const book = { accountName: "live", positions: [{ ticker: "NKE", quantity: 1 }, { ticker: "AAPL", quantity: 2 }] };
    expect(reconcileBroker({ ...base, broker: [{ ticker: "AAPL", quantity: 2 }, { ticker: "NKE", quantity: 1 }], book }).summary).toBe(
      "positions match live's book (AAPL 2, NKE 1); USD cash $250.00 covers micro's $100.00",
    );
    expect(reconcileBroker({ ...base, broker: [{ ticker: "NKE", quantity: 2 }, { ticker: "MSFT", quantity: 1 }], book }).mismatches).toEqual([
      "AAPL: broker 0, live's book 2",
      "MSFT: broker 1, live's book 0",
      "NKE: broker 2, live's book 1",
    ]);
  });
});
