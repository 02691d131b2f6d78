import type { Api } from "grammy";
import type { OperatorDirectory } from "../../app/ports/operator-directory.js";
import type { ProposalBoard } from "../../app/ports/proposal-board.js";
import type { Proposal, ProposalStore } from "../../app/ports/proposal-store.js";
import { proposalKeyboard } from "./keyboards.js";
import { renderProposal } from "./render/order.js";
import { hasRole } from "../../domain/roles.js";
import type { Logger } from "../../logger.js";
import type { PostedMessage, ProposalMessageRepository } from "../db/repositories/proposal-message-repository.js";

/**
 * Proposals as Telegram messages with Approve / Deny, one copy per trader (admins are traders
 * too). Every copy is recorded so that whoever settles the proposal edits them all.
 */
export class TelegramProposalBoard implements ProposalBoard {
  constructor(
    private readonly api: Api,
    private readonly deps: { operators: OperatorDirectory; messages: ProposalMessageRepository; proposals: Pick<ProposalStore, "get">; log: Logger },
  ) {}

  async post(proposal: Proposal): Promise<void> {
    try {
      const traders = (await this.deps.operators.all()).filter((o) => hasRole(o.role, "trader"));
      const text = renderProposal(proposal);
      const sent = await Promise.allSettled(
        traders.map((o) => this.api.sendMessage(o.userId, text, { parse_mode: "HTML", reply_markup: proposalKeyboard(proposal.id) })),
      );
      const posted: PostedMessage[] = [];
      sent.forEach((result, i) => {
        if (result.status === "fulfilled") posted.push({ chatId: result.value.chat.id, messageId: result.value.message_id, shown: "pending" });
        else this.deps.log.warn({ err: String(result.reason), operator: traders[i]!.userId, proposal: proposal.id }, "could not post a proposal");
      });
      await this.deps.messages.add(proposal.id, posted);
    } catch (error) {
      this.deps.log.error({ err: String(error), proposal: proposal.id }, "posting a proposal failed");
    }
  }

  async settle(proposal: Proposal, detail?: string): Promise<void> {
    try {
      const messages = await this.deps.messages.of(proposal.id);
      const text = renderProposal(proposal, detail);
      await Promise.allSettled(
        messages.map((m) =>
          this.api.editMessageText(m.chatId, m.messageId, text, { parse_mode: "HTML" }).catch((error: unknown) => {
            // "message is not modified" means another process already showed this outcome; "not
            // found", that the operator deleted it (or a local-mode restart forgot it): nothing to show there.
            const text = String(error);
            if (text.includes("message to edit not found")) this.deps.log.info({ proposal: proposal.id, chat: m.chatId }, "a proposal message was gone: its outcome was not shown there");
            else if (!text.includes("not modified")) this.deps.log.warn({ err: text, proposal: proposal.id }, "could not edit a proposal message");
          }),
        ),
      );
      await this.deps.messages.markShown(proposal.id, proposal.status);
    } catch (error) {
      this.deps.log.error({ err: String(error), proposal: proposal.id }, "settling a proposal's messages failed");
    }
  }

  async sweep(): Promise<number> {
    let settled = 0;
    for (const id of await this.deps.messages.stale()) {
      const proposal = await this.deps.proposals.get(id);
      if (!proposal) continue;
      await this.settle(proposal);
      settled += 1;
    }
    return settled;
  }
}
