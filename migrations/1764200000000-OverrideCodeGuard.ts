import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One override-code attempt counter for the whole desk (resume over Telegram, REST deactivate,
 * phase promotion): a single row, so N accounts no longer give 3N guesses. An attempt is
 * counted before the code is verified and the attempt that reaches the limit arms the lock at
 * once, so concurrent guesses cannot exceed it; a right code clears both.
 */
export class OverrideCodeGuard1764200000000 implements MigrationInterface {
  name = "OverrideCodeGuard1764200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE override_code_guard (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        locked_until timestamptz,
        last_wrong_at timestamptz,
        last_wrong_by text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO override_code_guard (id) VALUES (1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE override_code_guard`);
  }
}
