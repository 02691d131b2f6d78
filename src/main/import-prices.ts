import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { PriceRepository } from "../adapters/db/repositories/price-repository.js";
import { importPrices } from "../app/import-prices.js";
import { MalformedPriceFileError } from "../domain/yahoo-csv.js";
import { bootRuntime } from "./runtime.js";

const USAGE = "usage: npm run import:prices -- FILE --ticker TICKER";

/** `npm run import:prices -- FILE --ticker NVDA`: imports a Yahoo-format daily CSV. */
async function main(): Promise<number> {
  let file: string | undefined;
  let ticker: string | undefined;
  try {
    const { values, positionals } = parseArgs({ allowPositionals: true, options: { ticker: { type: "string" } } });
    if (positionals.length !== 1) throw new Error(positionals.length ? "give exactly one FILE" : "FILE is missing");
    if (!values.ticker) throw new Error("--ticker is missing");
    [file, ticker] = [positionals[0]!, values.ticker];
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let csv: string;
  try {
    csv = await readFile(file, "utf8");
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  const runtime = await bootRuntime("import-prices", { withRedis: false });
  try {
    const result = await importPrices({ csv, ticker, timeZone: runtime.config.risk.marketTimezone }, new PriceRepository(runtime.dataSource));
    process.stdout.write(
      `${result.ticker}: ${result.rowsRead} rows read, ${result.inserted} inserted, ${result.duplicates} skipped as duplicates` +
        (result.nullRows ? `, ${result.nullRows} empty (null) rows skipped` : "") +
        "\n",
    );
    return 0;
  } catch (error) {
    const prefix = error instanceof MalformedPriceFileError ? `${file}: ` : "";
    process.stderr.write(`${prefix}${(error as Error).message}\nnothing was imported\n`);
    return 1;
  } finally {
    await runtime.close();
  }
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`import failed: ${(error as Error).message}\n`);
  process.exit(1);
});
