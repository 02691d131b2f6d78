import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The last update id the emulator handed out, kept in its data folder. Telegram's update ids
 * keep increasing across restarts of the bot and of Telegram itself, and the desk's update
 * ledger (Redis, kept across restarts) drops an id it has seen: an emulator that started again
 * from 1 would have its first commands after a restart dropped without a word.
 */
export class UpdateIdFile {
  private readonly path: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, "last-update-id");
  }

  /** The last id handed out by an earlier lifetime; 0 when there was none (or the file is unreadable). */
  read(): number {
    try {
      const value = Number(readFileSync(this.path, "utf8").trim());
      return Number.isSafeInteger(value) && value > 0 ? value : 0;
    } catch {
      return 0;
    }
  }

  /** Written before the update is queued, through a rename, so a crash never leaves a smaller or half-written id. */
  write(id: number): void {
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, String(id));
    renameSync(temporary, this.path);
  }
}
