import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What the watchdog reads and writes, in PostgreSQL so that every process (bot, worker, all in
 * one) sees the same picture and no Redis outage can hide it:
 * - job_heartbeats: when each job last completed (written by the worker that ran it);
 * - desk_probes: each process's last successful write, the same kind of small committed update
 *   a halt is (a full disk or a read-only database fails it);
 * - desk_conditions: each watched condition's last known state, flipped with a conditional
 *   update so that exactly one process alerts the admins per change.
 */
export class DeskHealth1764300000000 implements MigrationInterface {
  name = "DeskHealth1764300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_heartbeats (
        job text PRIMARY KEY,
        last_ok_at timestamptz NOT NULL,
        runs bigint NOT NULL DEFAULT 1
      )`);
    await q.query(`
      CREATE TABLE desk_probes (
        process text PRIMARY KEY,
        seen_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE desk_conditions (
        name text PRIMARY KEY,
        failing boolean NOT NULL,
        detail text NOT NULL DEFAULT '',
        changed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE desk_conditions`);
    await q.query(`DROP TABLE desk_probes`);
    await q.query(`DROP TABLE job_heartbeats`);
  }
}
