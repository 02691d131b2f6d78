import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root folder, the one holding package.json. Found by walking up from this file,
 * so the same code finds it run as TypeScript (src/paths.ts, one folder down) and compiled
 * (dist/src/paths.js, two folders down), whatever the working directory. Files the desk reads
 * at run time that are not code (demo/) live here, not beside the compiled modules.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json in ${from} or any folder above it`);
  }
}
