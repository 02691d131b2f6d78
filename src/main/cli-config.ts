import { ConfigError, loadConfig, type Config } from "../config/load.js";

/**
 * How a command reads the desk's configuration. Kept apart from runtime.ts, which loads the
 * database and Redis stack: a command that needs neither (the backtest) answers without it.
 */

/** EX_CONFIG (sysexits.h): a CLI's exit code for a bad configuration. */
export const EX_CONFIG = 78;

/** For CLIs: the configuration, or undefined after printing what is wrong (the caller exits with EX_CONFIG). */
export function loadCliConfig(): Config | undefined {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}
