import { z } from "zod";
import { expireProposals } from "../src/app/approvals/expire-proposals.js";
import type { ApprovalDeps } from "../src/app/approvals/request-order.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `approval-expiry`: pending proposals past their expiry become expired (every 30 s). */
export function approvalExpiryJob(deps: Pick<ApprovalDeps, "proposals" | "execution">): JobDefinition<z.infer<typeof payload>> {
  return {
    name: "approval-expiry",
    payload,
    schedule: { every: 30_000 },
    async process() {
      const expired = await expireProposals(deps);
      return { expired: expired.map((p) => p.id) };
    },
  };
}
