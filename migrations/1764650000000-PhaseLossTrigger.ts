import type { MigrationInterface, QueryRunner } from "typeorm";

const BEFORE = `'daily_loss', 'max_drawdown', 'api_error', 'position_concentration', 'stale_data', 'manual', 'daily_trade_limit'`;
const AFTER = `${BEFORE}, 'phase_loss'`;

/**
 * The kill switch's phase_loss trigger: a live account in micro halts when its loss since the
 * phase began reaches $10 (the pre-trade checks already refused new exposure there; now the
 * account is halted, the admins are told, and resuming takes the override code).
 */
export class PhaseLossTrigger1764650000000 implements MigrationInterface {
  name = "PhaseLossTrigger1764650000000";

  async up(q: QueryRunner): Promise<void> {
    for (const table of ["kill_switch_states", "kill_switch_events"]) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_trigger_check`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_trigger_check CHECK (trigger IN (${AFTER}))`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ["kill_switch_states", "kill_switch_events"]) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_trigger_check`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_trigger_check CHECK (trigger IN (${BEFORE}))`);
    }
  }
}
