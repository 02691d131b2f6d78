import { readFile } from "node:fs/promises";
import { SignalRepository } from "../adapters/db/repositories/signal-repository.js";
import { MalformedSignalFileError, parseSignalsCsv } from "../domain/signals-csv.js";
import { bootRuntime } from "./runtime.js";

const USAGE = "usage: npm run import:signals -- FILE   (CSV: ticker,signal,confidence,source[,rationale][,price])";

/** `npm run import:signals -- FILE`: stores trading signals from a CSV; the whole file or nothing. */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length !== 1) {
    process.stderr.write(`${args.length ? "give exactly one FILE" : "FILE is missing"}\n${USAGE}\n`);
    return 2;
  }
  const file = args[0]!;
  let signals;
  try {
    signals = parseSignalsCsv(await readFile(file, "utf8"));
  } catch (error) {
    const prefix = error instanceof MalformedSignalFileError ? `${file}: ` : `cannot read ${file}: `;
    process.stderr.write(`${prefix}${(error as Error).message}\nnothing was imported\n`);
    return 1;
  }
  const runtime = await bootRuntime("import-signals", { withRedis: false });
  try {
    const stored = await new SignalRepository(runtime.dataSource).insert(signals);
    process.stdout.write(`${stored.length} signals imported; those at or above SIGNAL_ALERT_CONFIDENCE are pushed by the signal-alerts job\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`import failed: ${(error as Error).message}\n`);
  process.exit(1);
});
