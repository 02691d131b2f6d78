import type { Condition } from "../../domain/watchdog.js";

/** Where the watchdog keeps what every process must agree on (PostgreSQL, never Redis). */
export interface DeskHealthStore {
  /** Records that a job completed (any outcome but a failure). */
  recordJobCompleted(job: string, at: Date): Promise<void>;
  /** The last completion of every job that ever completed. */
  lastJobCompletions(): Promise<Map<string, Date>>;
  /** A small committed write, the kind a halt makes: throws when the database cannot take one (disk full, read only, gone). */
  probeWrite(process: string, at: Date): Promise<void>;
  /** Records a condition's state; true only for the one caller whose write changed it (so one process alerts per change). */
  setCondition(condition: Condition, at: Date): Promise<boolean>;
}
