import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The highest equity an account has reached, kept next to the kill-switch state it protects:
 * max_drawdown compares against it on every evaluation, so it must be one exact read, and it
 * must survive restarts like every other safety counter.
 */
export class KillSwitchPeakEquity1763942400000 implements MigrationInterface {
  name = "KillSwitchPeakEquity1763942400000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kill_switch_states ADD COLUMN peak_equity numeric(20,4)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kill_switch_states DROP COLUMN peak_equity`);
  }
}
