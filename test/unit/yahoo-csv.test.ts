import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MalformedPriceFileError, parseYahooCsv } from "../../src/domain/yahoo-csv.js";

const HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";
const TZ = "America/New_York";

function malformed(csv: string): MalformedPriceFileError {
  try {
    parseYahooCsv(csv, "NVDA", TZ);
  } catch (error) {
    if (error instanceof MalformedPriceFileError) return error;
    throw error;
  }
  throw new Error("expected MalformedPriceFileError");
}

describe("parseYahooCsv", () => {
  it("reads the shipped NVDA file exactly, stamping each bar at the 16:00 New York close", () => {
    const csv = readFileSync("test/fixtures/prices/nvda-daily.csv", "utf8");
    const parsed = parseYahooCsv(csv, "NVDA", TZ);
    expect(parsed.rowsRead).toBe(4012);
    expect(parsed.bars).toHaveLength(4012);
    const first = parsed.bars[0]!;
    // 1999-01-22,1.750000,1.953125,1.552083,1.640625,1.518424,67867200 (EST: UTC-5)
    expect(first.time.toISOString()).toBe("1999-01-22T21:00:00.000Z");
    expect([first.open, first.high, first.low, first.close, first.adjClose].map((d) => d?.toFixed(6))).toEqual([
      "1.750000", "1.953125", "1.552083", "1.640625", "1.518424",
    ]);
    expect(first.volume).toBe(67867200n);
    // A summer date is in EDT (UTC-4).
    expect(parsed.bars.find((b) => b.time.toISOString().startsWith("2008-07-01"))?.time.toISOString()).toBe("2008-07-01T20:00:00.000Z");
  });

  it("accepts files without Adj Close, a BOM, CRLF line ends and blank lines", () => {
    const parsed = parseYahooCsv("\uFEFFDate,Open,High,Low,Close,Volume\r\n2020-01-02,10,11,9,10.5,100\r\n\r\n2020-01-03,10.5,12,10,11,200\r\n", "X", TZ);
    expect(parsed.bars.map((b) => [b.close.toString(), b.adjClose])).toEqual([["10.5", null], ["11", null]]);
  });

  it("counts exact repeats as duplicates and Yahoo's all-null rows as empty", () => {
    const row = "2020-01-02,10,11,9,10.5,10.5,100";
    const parsed = parseYahooCsv([HEADER, row, row, "2020-01-03,null,null,null,null,null,null"].join("\n"), "X", TZ);
    expect(parsed).toMatchObject({ rowsRead: 3, duplicateRows: 1, nullRows: 1 });
    expect(parsed.bars).toHaveLength(1);
  });

  it.each([
    [[HEADER, "2020-01-02,10,11,9,10.5,10.5,100", "2020-13-02,10,11,9,10.5,10.5,100"], 3, "1 (Date)", /"2020-13-02" is not a date/],
    [[HEADER, "2020-01-02,10,abc,9,10.5,10.5,100"], 2, "3 (High)", /"abc" is not a price/],
    [[HEADER, "2020-01-02,-10,11,9,10.5,10.5,100"], 2, "2 (Open)", /"-10" is not a price/],
    [[HEADER, "2020-01-02,0,11,0,10.5,10.5,100"], 2, "2 (Open)", /price must be above 0/],
    [[HEADER, "2020-01-02,10,11,9,10.5,10.5,1.5"], 2, "7 (Volume)", /not a whole number of shares/],
    [[HEADER, "2020-01-02,10,8,9,8.5,8.5,100"], 2, "3 (High)", /High 8 is below Low 9/],
    [[HEADER, "2020-01-02,10,11,9,12,12,100"], 2, "5 (Close)", /Close 12 lies outside/],
    [[HEADER, "2020-01-02,10,11,9,10.5,10.5"], 2, undefined, /expected 7 columns, found 6/],
    [[HEADER, "2020-01-02,10,11,9,10.5,10.5,100", "2020-01-02,10,11,9,10.6,10.6,100"], 3, "1 (Date)", /appears again with different values \(first on line 2\)/],
    [["Date,Open,High,Low,Adj Close,Volume", "2020-01-02,10,11,9,10.5,100"], 1, "Close", /the header lacks "Close"/],
    [[""], 1, undefined, /the file is empty/],
  ])("rejects a malformed file with line and column (%#)", (lines, line, column, pattern) => {
    const error = malformed(lines.join("\n"));
    expect(error.line).toBe(line);
    expect(error.column).toBe(column);
    expect(error.message).toMatch(pattern);
  });

  it("counts lines the way an editor does, blank lines included", () => {
    expect(malformed([HEADER, "", "2020-01-02,10,11,9,10.5,10.5,100", "", "2020-01-03,x,11,9,10.5,10.5,100"].join("\n")).line).toBe(5);
  });
});
