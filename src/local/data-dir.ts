import { randomBytes } from "node:crypto";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { resolve } from "node:path";

/** A start-up problem the operator fixes in the configuration: printed as is, without a stack. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirError";
  }
}

/** Folders this process has already found usable. */
const prepared = new Set<string>();

/**
 * Makes sure DATA_DIR is a folder this process can write to, before anything is started in it,
 * so that a wrong setting is named as such instead of surfacing later as a raw mkdir or spawn
 * error. `configured` is the value as the operator wrote it, for the message.
 */
export async function prepareDataDir(configured: string): Promise<string> {
  const dataDir = resolve(configured);
  // Local services and the local Telegram emulator each need it; one check per process is enough.
  if (prepared.has(dataDir)) return dataDir;
  const named = `DATA_DIR (${configured})`;
  const found = await stat(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    if (error.code === "ENOTDIR") throw new DataDirError(`${named} cannot be created: ${describe(error)}`);
    throw new DataDirError(`${named} cannot be read: ${describe(error)}`);
  });
  if (found && !found.isDirectory()) throw new DataDirError(`${named} is a file, not a folder`);
  if (!found) {
    await mkdir(dataDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new DataDirError(`${named} cannot be created: ${describe(error)}`);
    });
  }
  // Root passes permission checks that a write still fails (a read-only mount): so write.
  const probe = resolve(dataDir, `.write-test-${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(probe, "");
  } catch (error) {
    throw new DataDirError(`${named} is not writable: ${describe(error as NodeJS.ErrnoException)}`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  prepared.add(dataDir);
  return dataDir;
}

function describe(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EACCES":
    case "EPERM":
      return `permission denied for this user (uid ${process.getuid?.() ?? "?"})`;
    case "EROFS":
      return "the file system is read-only";
    case "ENOTDIR":
    case "EEXIST":
      return "a part of the path is a file, not a folder";
    case "ENOSPC":
      return "the disk is full";
    default:
      return error.code ?? error.message;
  }
}
