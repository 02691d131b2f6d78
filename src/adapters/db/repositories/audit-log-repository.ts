import type pg from "pg";
import type { DataSource } from "typeorm";
import type { AuditEntry, AuditLog } from "../../../app/ports/audit-log.js";
import { cleanText } from "../../../domain/text.js";
import { pgPool } from "../pool.js";

/**
 * Writes one audit row on a pool or inside a caller's transaction. Strings in the details are
 * cleaned (jsonb refuses NUL): an audit row never fails for the text it carries.
 */
export async function recordAudit(db: pg.Pool | pg.PoolClient, entry: AuditEntry): Promise<void> {
  await db.query({
    name: "audit_insert",
    text: `INSERT INTO audit_log (actor, action, account_id, subject, details) VALUES ($1, $2, $3, $4, $5)`,
    values: [entry.actor, entry.action, entry.accountId ?? null, entry.subject ?? null, JSON.stringify(entry.details ?? {}, (_key, value: unknown) => (typeof value === "string" ? cleanText(value, { keepNewlines: true }) : value))],
  });
}

export class AuditLogRepository implements AuditLog {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  record(entry: AuditEntry): Promise<void> {
    return recordAudit(this.pool, entry);
  }
}
