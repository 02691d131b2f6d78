export interface AuditEntry {
  /** "tg:<user id>", "api" or "system". */
  actor: string;
  /** What was done, dotted: "tg.halt", "tg.execute", "tg.approve". */
  action: string;
  accountId?: string | null;
  /** What it was done to: a proposal id, a ticker. */
  subject?: string | null;
  details?: Record<string, unknown>;
}

/** Append-only record of every state-changing command. Secrets (override codes) never reach it. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}
