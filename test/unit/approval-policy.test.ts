import { describe, expect, it } from "vitest";
import { requiresApproval } from "../../src/domain/approvals.js";
import { ORDER_SOURCES } from "../../src/domain/vocabulary.js";

const POLICIES = [
  { shadowRequiresApproval: true, fourEyes: false },
  { shadowRequiresApproval: false, fourEyes: true },
];

describe("who must approve an order", () => {
  it("on a live account, every source but the stop-loss exit waits for a trader, whatever the policy", () => {
    for (const policy of POLICIES) {
      for (const source of ORDER_SOURCES) expect([source, requiresApproval("live", source, policy)]).toEqual([source, source !== "stop-loss"]);
    }
  });

  it("on a shadow account, operator and War Room orders follow SHADOW_REQUIRES_APPROVAL; stops and replays never wait", () => {
    expect(requiresApproval("shadow", "operator", POLICIES[0]!)).toBe(true);
    expect(requiresApproval("shadow", "warroom", POLICIES[0]!)).toBe(true);
    expect(requiresApproval("shadow", "operator", POLICIES[1]!)).toBe(false);
    expect(requiresApproval("shadow", "stop-loss", POLICIES[0]!)).toBe(false);
    expect(requiresApproval("shadow", "replay", POLICIES[0]!)).toBe(false);
  });
});
