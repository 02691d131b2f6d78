import { z } from "zod";
import { expireProposals } from "../src/app/approvals/expire-proposals.js";
import { recoverInterruptedWork, type InterruptedWorkStore, type RecoveryLog, type RecoveryReport } from "../src/app/approvals/recover-interrupted.js";
import type { ApprovalDeps } from "../src/app/approvals/request-order.js";
import type { ProposalBoard } from "../src/app/ports/proposal-board.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** Crash recovery's own deps; notifier and clock are the kill switch's. */
export interface JobRecovery {
  store: InterruptedWorkStore;
  log: RecoveryLog;
}

/**
 * `approval-expiry` (every 30 s): pending proposals past their expiry become expired; with
 * `recovery`, work a crash left half-done (approved proposals never settled, orders without the
 * broker's answer) is resolved; then every posted copy of a proposal that left `pending` without
 * a press (expired here, cancelled by a halt, settled by recovery) is edited to say so. Without a
 * board (no Telegram in this process) the edits are skipped.
 */
export function approvalExpiryJob(deps: Pick<ApprovalDeps, "proposals" | "execution"> & { board?: ProposalBoard; recovery?: JobRecovery }): JobDefinition<z.infer<typeof payload>, "approval-expiry"> {
  return {
    name: "approval-expiry",
    payload,
    schedule: { every: 30_000 },
    async process() {
      const expired = await expireProposals(deps);
      const { notifier, clock } = deps.execution.killSwitch;
      const recovered: RecoveryReport | undefined = deps.recovery ? await recoverInterruptedWork({ ...deps.recovery, notifier, clock }) : undefined;
      const edited = deps.board ? await deps.board.sweep() : 0;
      return { expired: expired.map((p) => p.id), messagesEdited: edited, ...(recovered ? { recovered } : {}) };
    },
  };
}
