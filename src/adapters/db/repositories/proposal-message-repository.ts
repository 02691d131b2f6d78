import type pg from "pg";
import type { DataSource } from "typeorm";
import type { ProposalStatus } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

export interface PostedMessage {
  chatId: number;
  messageId: number;
  /** The proposal status the message shows now. */
  shown: ProposalStatus;
}

/** Where each copy of a proposal's message was posted (proposals.messages), so any process can edit them. */
export class ProposalMessageRepository {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async add(proposalId: string, posted: readonly PostedMessage[]): Promise<void> {
    if (posted.length === 0) return;
    await this.pool.query(`UPDATE proposals SET messages = messages || $2::jsonb WHERE id = $1`, [proposalId, JSON.stringify(posted)]);
  }

  async of(proposalId: string): Promise<PostedMessage[]> {
    const { rows } = await this.pool.query<{ messages: PostedMessage[] }>(`SELECT messages FROM proposals WHERE id = $1`, [proposalId]);
    return rows[0]?.messages ?? [];
  }

  /** Records what the copies now show, in place: a copy added meanwhile by a slow post is kept, not overwritten. */
  async markShown(proposalId: string, shown: ProposalStatus): Promise<void> {
    await this.pool.query(
      `UPDATE proposals SET messages = COALESCE((SELECT jsonb_agg(m || jsonb_build_object('shown', $2::text)) FROM jsonb_array_elements(messages) m), '[]'::jsonb)
       WHERE id = $1`,
      [proposalId, shown],
    );
  }

  /** Proposals decided in the last day whose messages still show "pending" (expired, cancelled by a halt, a lost edit). */
  async stale(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM proposals
       WHERE status <> 'pending' AND updated_at > now() - interval '1 day' AND messages @> '[{"shown": "pending"}]'
       ORDER BY updated_at LIMIT 100`,
    );
    return rows.map((r) => r.id);
  }
}
