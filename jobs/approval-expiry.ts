import { z } from "zod";
import { expireProposals } from "../src/app/approvals/expire-proposals.js";
import type { ApprovalDeps } from "../src/app/approvals/request-order.js";
import type { ProposalBoard } from "../src/app/ports/proposal-board.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/**
 * `approval-expiry` (every 30 s): pending proposals past their expiry become expired, then every
 * posted copy of a proposal that left `pending` without a press (expired here, cancelled by a
 * halt) is edited to say so. Without a board (no Telegram in this process) only the first part runs.
 */
export function approvalExpiryJob(deps: Pick<ApprovalDeps, "proposals" | "execution"> & { board?: ProposalBoard }): JobDefinition<z.infer<typeof payload>> {
  return {
    name: "approval-expiry",
    payload,
    schedule: { every: 30_000 },
    async process() {
      const expired = await expireProposals(deps);
      const edited = deps.board ? await deps.board.sweep() : 0;
      return { expired: expired.map((p) => p.id), messagesEdited: edited };
    },
  };
}
