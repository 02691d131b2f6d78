import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBars, type LoadedBars } from "../../src/app/backtest/load-bars.js";
import { readTextFile } from "../../src/app/backtest/read-text-file.js";
import { BacktestInputError } from "../../src/domain/backtest/bar.js";
import { parseUniverse, type UniverseArgs } from "../../src/domain/backtest/universe.js";

const FIXTURES = "test/fixtures/backtest";
const HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "backtest-bars-"));
  for (const name of ["aaa-daily.csv", "bbb-daily.csv"]) await copyFile(join(FIXTURES, name), join(dir, name));
  // The same bytes as AAA's file, under a name that names no ticker.
  await copyFile(join(FIXTURES, "aaa-daily.csv"), join(dir, "copy.csv"));
  await writeFile(join(dir, "bad-daily.csv"), `${HEADER}\n2024-01-02,10,11,9,10,10,100\n2024-01-03,10,11,9,abc,10,100\n`);
  await writeFile(join(dir, "empty-daily.csv"), `${HEADER}\n`);
  await mkdir(join(dir, "dir-daily.csv"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// async, so a refusal of the command line itself rejects like a refusal of a file.
const load = async (args: UniverseArgs) => loadBars(parseUniverse(args), readTextFile);
const fixture = (o: Partial<UniverseArgs> = {}): UniverseArgs => ({ tickers: "AAA,BBB", from: "2024-01-03", to: "2024-01-08", data: dir, ...o });

/** The exact one-line message loading `args` is refused with. */
async function refusal(args: UniverseArgs): Promise<string> {
  const error = await load(args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BacktestInputError);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  return message;
}

const dates = (bars: { date: string }[]) => bars.map((b) => b.date);

describe("loadBars: warm-up, range and trading days", () => {
  let loaded: LoadedBars;
  beforeAll(async () => {
    loaded = await load(fixture());
  });

  it("splits each file at --from: every earlier bar is warm-up, [from, to] is traded, later bars are dropped", () => {
    const [aaa, bbb] = loaded.tickers;
    expect(aaa!.ticker).toBe("AAA");
    expect(aaa!.path).toBe(join(dir, "aaa-daily.csv"));
    expect(dates(aaa!.warmup)).toEqual(["2024-01-02"]);
    expect(dates(aaa!.bars)).toEqual(["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"]);
    expect(dates(bbb!.warmup)).toEqual(["2024-01-02"]);
    expect(dates(bbb!.bars)).toEqual(["2024-01-03", "2024-01-05", "2024-01-08"]);
  });

  it("keeps the file's prices exactly", () => {
    const bar = loaded.tickers[1]!.bars[0]!;
    expect([bar.open, bar.high, bar.low, bar.close].map((d) => d.toFixed())).toEqual(["50.5", "52", "50", "51.75"]);
  });

  it("trades on the union of days: 2024-01-04 is AAA's alone (BBB has no bar, so no fill for it that day)", () => {
    expect(loaded.days).toEqual(["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"]);
    expect(loaded.from).toBe("2024-01-03");
    expect(loaded.to).toBe("2024-01-08");
  });

  it("a range starting before a file's first bar leaves no warm-up", async () => {
    const early = await load(fixture({ from: "2023-06-01" }));
    expect(early.tickers[0]!.warmup).toEqual([]);
    expect(dates(early.tickers[0]!.bars)[0]).toBe("2024-01-02");
  });

  it("reads the shipped demo prices: NVDA, ORCL and YHOO from 2004 to 2013, with all earlier bars as warm-up", async () => {
    const demo = await load({ tickers: "NVDA,ORCL,YHOO", from: "2004-01-01", to: "2013-12-31", data: "demo/prices" });
    // Recounted from the raw text, not through the parser.
    for (const t of demo.tickers) {
      const rows = (await readFile(t.path, "utf8")).trim().split("\n").slice(1).map((line) => line.split(",")[0]!);
      expect(t.warmup.length, t.ticker).toBe(rows.filter((d) => d < "2004-01-01").length);
      expect(t.bars.length, t.ticker).toBe(rows.filter((d) => d >= "2004-01-01" && d <= "2013-12-31").length);
      expect(t.bars[0]!.date).toBe("2004-01-02");
      expect(t.bars.at(-1)!.date).toBe("2013-12-31");
    }
    expect(demo.tickers[0]!.warmup.length).toBe(1243);
    expect(demo.tickers[0]!.warmup[0]!.close.toFixed()).toBe("1.640625");
    expect(demo.days.length).toBe(2517);
  });
});

describe("loadBars: every bad file is one line naming the ticker and the path", () => {
  it("a missing file", async () => {
    expect(await refusal(fixture({ tickers: "AAA,CCC" }))).toBe(`CCC: ${join(dir, "ccc-daily.csv")} does not exist`);
  });

  it("a path that cannot be read as a file", async () => {
    expect(await refusal(fixture({ tickers: "DIR" }))).toBe(`DIR: cannot read ${join(dir, "dir-daily.csv")} (EISDIR)`);
  });

  it("a malformed file: the parser's message with its line and column", async () => {
    expect(await refusal(fixture({ tickers: "AAA,BAD" }))).toBe(`BAD: ${join(dir, "bad-daily.csv")} line 3, column 5 (Close): "abc" is not a price`);
  });

  it("a range without bars", async () => {
    expect(await refusal(fixture({ from: "2024-02-01", to: "2024-02-29" }))).toBe(
      `AAA: ${join(dir, "aaa-daily.csv")} has no bars from 2024-02-01 to 2024-02-29 (its bars run 2024-01-02 to 2024-01-09)`,
    );
  });

  it("a file without any bar", async () => {
    expect(await refusal(fixture({ tickers: "EMPTY" }))).toBe(`EMPTY: ${join(dir, "empty-daily.csv")} has no bars from 2024-01-03 to 2024-01-08 (it holds none)`);
  });

  it("a file named for another ticker: nvda-daily.csv passed as ORCL", async () => {
    expect(await refusal({ tickers: "NVDA,ORCL", from: "2004-01-01", to: "2004-12-31", data: "demo/prices", csv: ["ORCL=demo/prices/nvda-daily.csv"] })).toBe(
      "ORCL: nvda-daily.csv is named for NVDA",
    );
    // Checked again by the loader for a universe built some other way.
    const handBuilt = { tickers: ["ORCL"], from: "2004-01-01", to: "2004-12-31", files: [{ ticker: "ORCL", path: "demo/prices/nvda-daily.csv", override: true }] };
    await expect(loadBars(handBuilt, readTextFile)).rejects.toThrow(new BacktestInputError("ORCL: nvda-daily.csv is named for NVDA"));
  });

  it("one file passed for two tickers under a neutral name", async () => {
    expect(await refusal(fixture({ csv: [`BBB=${join(dir, "copy.csv")}`] }))).toBe(`BBB: ${join(dir, "copy.csv")} holds the same bars as AAA's ${join(dir, "aaa-daily.csv")}`);
  });

  it("the first bad ticker in the order given is the one reported, whichever read ends first", async () => {
    expect(await refusal(fixture({ tickers: "BAD,CCC" }))).toMatch(/^BAD: /);
    expect(await refusal(fixture({ tickers: "CCC,BAD" }))).toMatch(/^CCC: /);
  });
});
