import type pg from "pg";
import type { DataSource, Repository } from "typeorm";
import type { Operator, OperatorDirectory } from "../../../app/ports/operator-directory.js";
import type { Role } from "../../../domain/vocabulary.js";
import { OperatorEntity } from "../entities/operator.entity.js";
import { pgPool } from "../pool.js";

/**
 * Operators from configuration and from the `operators` table. Configuration wins for an id
 * in both (it is what the person who deployed the desk wrote down); the table adds people
 * without a redeploy. An inactive row removes nobody who is configured.
 */
export class OperatorRepository implements OperatorDirectory {
  private readonly pool: pg.Pool;
  /** The list is a cold path (reports, notices, approvals): it reads through the entity. */
  private readonly rows: Repository<OperatorEntity>;

  constructor(dataSource: DataSource, private readonly configured: ReadonlyMap<number, Role>) {
    this.pool = pgPool(dataSource);
    this.rows = dataSource.getRepository(OperatorEntity);
  }

  async find(userId: number): Promise<Operator | undefined> {
    if (!Number.isSafeInteger(userId) || userId <= 0) return undefined;
    const role = this.configured.get(userId);
    if (role) return { userId, role, displayName: "" };
    const { rows } = await this.pool.query<{ role: Role; display_name: string }>({
      name: "operator_by_id",
      text: `SELECT role, display_name FROM operators WHERE telegram_user_id = $1 AND active`,
      values: [userId],
    });
    return rows[0] ? { userId, role: rows[0].role, displayName: rows[0].display_name } : undefined;
  }

  async all(): Promise<Operator[]> {
    const rows = await this.rows.find({
      select: { telegramUserId: true, role: true, displayName: true },
      where: { active: true },
      order: { telegramUserId: "ASC" },
    });
    const byId = new Map<number, Operator>();
    for (const r of rows) byId.set(Number(r.telegramUserId), { userId: Number(r.telegramUserId), role: r.role, displayName: r.displayName });
    for (const [userId, role] of this.configured) byId.set(userId, { userId, role, displayName: byId.get(userId)?.displayName ?? "" });
    return [...byId.values()].sort((a, b) => a.userId - b.userId);
  }

  async defaultAccount(userId: number): Promise<string | null> {
    if (!Number.isSafeInteger(userId) || userId <= 0) return null;
    const { rows } = await this.pool.query<{ default_account_id: string | null }>({
      name: "operator_default_account",
      text: `SELECT default_account_id FROM operators WHERE telegram_user_id = $1`,
      values: [userId],
    });
    return rows[0]?.default_account_id ?? null;
  }

  /**
   * A configured operator may have no row: one is created to hold the default, INACTIVE, so
   * that the row never grants access by itself (taking the id out of the configuration must
   * still remove the person). An existing row keeps its role and activity.
   */
  async setDefaultAccount(userId: number, accountId: string | null): Promise<void> {
    const role = this.configured.get(userId);
    if (role) {
      await this.pool.query(
        `INSERT INTO operators (telegram_user_id, role, active, default_account_id) VALUES ($1, $2, false, $3)
         ON CONFLICT (telegram_user_id) DO UPDATE SET default_account_id = EXCLUDED.default_account_id, updated_at = now()`,
        [userId, role, accountId],
      );
      return;
    }
    const { rowCount } = await this.pool.query(`UPDATE operators SET default_account_id = $2, updated_at = now() WHERE telegram_user_id = $1 AND active`, [userId, accountId]);
    if (rowCount !== 1) throw new Error(`operator ${userId} is not an active operator`);
  }
}
