import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { importPrices, InvalidTickerError } from "../../src/app/import-prices.js";
import { MalformedPriceFileError } from "../../src/domain/yahoo-csv.js";
import { useTestDatabase } from "../support/database.js";
import { runEntry } from "../support/spawn.js";

const db = useTestDatabase();
const TZ = "America/New_York";
const NVDA = "test/fixtures/prices/nvda-daily.csv";
const HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";

async function rows(ticker: string): Promise<number> {
  const [row] = await db.dataSource.query("SELECT count(*)::int AS n FROM stock_prices WHERE ticker = $1", [ticker]);
  return row.n;
}

describe("importPrices", () => {
  it("imports a good file, then skips every row as a duplicate the second time", async () => {
    const prices = new PriceRepository(db.dataSource);
    const csv = [HEADER, "2020-01-02,10,11,9,10.5,10.4,100", "2020-01-03,10.5,12,10,11.25,11.2,200", "2020-01-02,10,11,9,10.5,10.4,100"].join("\n");
    expect(await importPrices({ csv, ticker: "good", timeZone: TZ }, prices)).toEqual({ ticker: "GOOD", rowsRead: 3, inserted: 2, duplicates: 1, nullRows: 0 });
    expect(await importPrices({ csv, ticker: "GOOD", timeZone: TZ }, prices)).toEqual({ ticker: "GOOD", rowsRead: 3, inserted: 0, duplicates: 3, nullRows: 0 });
    const [latest] = await db.dataSource.query("SELECT close, adj_close, volume FROM stock_prices WHERE ticker = 'GOOD' ORDER BY time DESC LIMIT 1");
    expect(latest).toEqual({ close: "11.250000", adj_close: "11.200000", volume: "200" });
  });

  it("rejects a malformed file and writes none of its rows", async () => {
    const prices = new PriceRepository(db.dataSource);
    const lines = [HEADER, ...Array.from({ length: 3000 }, (_, i) => `${new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10)},10,11,9,10.5,10.5,100`)];
    lines[2500] = lines[2500]!.replace(",11,", ",1x1,");
    const error = await importPrices({ csv: lines.join("\n"), ticker: "BAD", timeZone: TZ }, prices).catch((e) => e);
    expect(error).toBeInstanceOf(MalformedPriceFileError);
    expect(error.message).toBe('line 2501, column 3 (High): "1x1" is not a price');
    expect(await rows("BAD")).toBe(0);
  });

  it("refuses a ticker that is not one", async () => {
    await expect(importPrices({ csv: HEADER, ticker: "NV DA", timeZone: TZ }, new PriceRepository(db.dataSource))).rejects.toBeInstanceOf(InvalidTickerError);
  });

  it("runs as `npm run import:prices -- FILE --ticker NVDA` and says what it did", async () => {
    const env = { DATABASE_URL: db.url, LOG_LEVEL: "warn" };
    const first = await runEntry("src/main/import-prices.ts", [NVDA, "--ticker", "NVDA"], env);
    expect(first.output).toContain("NVDA: 4012 rows read, 4012 inserted, 0 skipped as duplicates");
    expect(first.code).toBe(0);
    const again = await runEntry("src/main/import-prices.ts", [NVDA, "--ticker", "NVDA"], env);
    expect(again.output).toContain("NVDA: 4012 rows read, 0 inserted, 4012 skipped as duplicates");
    expect(await rows("NVDA")).toBe(4012);

    const dir = mkdtempSync(join(tmpdir(), "wr-import-"));
    writeFileSync(join(dir, "bad.csv"), `${HEADER}\n2020-01-02,10,11,9,10.5,10.5,100\n2020-01-03,10,11,9,oops,10.5,100\n`);
    const bad = await runEntry("src/main/import-prices.ts", [join(dir, "bad.csv"), "--ticker", "OOPS"], env);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('line 3, column 5 (Close): "oops" is not a price');
    expect(bad.output).toContain("nothing was imported");
    expect(await rows("OOPS")).toBe(0);

    const usage = await runEntry("src/main/import-prices.ts", [NVDA], env);
    expect(usage.code).toBe(2);
    expect(usage.output).toContain("--ticker is missing");
  });
});
