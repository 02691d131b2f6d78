import { describe, expect, it } from "vitest";
import { BacktestInputError } from "../../src/domain/backtest/bar.js";
import { dailyFileName, parseUniverse, tickerNamedBy, type UniverseArgs } from "../../src/domain/backtest/universe.js";

const ARGS: UniverseArgs = { tickers: "NVDA,ORCL,YHOO", from: "2004-01-01", to: "2013-12-31", data: "demo/prices" };

/** The exact one-line message parseUniverse refuses `args` with. */
function refusal(args: UniverseArgs): string {
  try {
    parseUniverse(args);
  } catch (error) {
    expect(error).toBeInstanceOf(BacktestInputError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected parseUniverse to refuse");
}

describe("parseUniverse: a good command line", () => {
  it("gives each ticker its <ticker>-daily.csv under --data, in the order given", () => {
    expect(parseUniverse(ARGS)).toEqual({
      tickers: ["NVDA", "ORCL", "YHOO"],
      from: "2004-01-01",
      to: "2013-12-31",
      files: [
        { ticker: "NVDA", path: "demo/prices/nvda-daily.csv", override: false },
        { ticker: "ORCL", path: "demo/prices/orcl-daily.csv", override: false },
        { ticker: "YHOO", path: "demo/prices/yhoo-daily.csv", override: false },
      ],
    });
  });

  it("trims, upper-cases, accepts a one-day range and a trailing slash on --data", () => {
    const u = parseUniverse({ tickers: " nvda , brk.b ", from: "2008-09-02", to: "2008-09-02", data: "prices/" });
    expect(u.tickers).toEqual(["NVDA", "BRK.B"]);
    expect(u.files.map((f) => f.path)).toEqual(["prices/nvda-daily.csv", "prices/brk.b-daily.csv"]);
  });

  it("--csv TICKER=PATH overrides one ticker's file; a name that names no ticker is taken on trust", () => {
    const u = parseUniverse({ ...ARGS, csv: ["orcl=/tmp/x/orcl-daily.csv", "YHOO=/tmp/prices.csv"] });
    expect(u.files).toEqual([
      { ticker: "NVDA", path: "demo/prices/nvda-daily.csv", override: false },
      { ticker: "ORCL", path: "/tmp/x/orcl-daily.csv", override: true },
      { ticker: "YHOO", path: "/tmp/prices.csv", override: true },
    ]);
  });

  it("needs no --data when every ticker has a --csv", () => {
    const u = parseUniverse({ tickers: "NVDA", from: "2004-01-01", to: "2004-12-31", csv: ["NVDA=a/NVDA-DAILY.CSV"] });
    expect(u.files).toEqual([{ ticker: "NVDA", path: "a/NVDA-DAILY.CSV", override: true }]);
  });
});

describe("parseUniverse: every bad input is one line naming the bad value", () => {
  it.each<[string, UniverseArgs, string]>([
    ["no tickers", { ...ARGS, tickers: undefined }, "--tickers is missing (like --tickers NVDA,ORCL,YHOO)"],
    ["blank tickers", { ...ARGS, tickers: "  " }, "--tickers is missing (like --tickers NVDA,ORCL,YHOO)"],
    ["an empty entry", { ...ARGS, tickers: "NVDA,,ORCL" }, '--tickers: "NVDA,,ORCL" has an empty entry'],
    ["not a ticker", { ...ARGS, tickers: "NVDA,BRK B" }, '--tickers: "BRK B" is not a ticker (like NVDA or BRK.B)'],
    ["a ticker twice", { ...ARGS, tickers: "NVDA,ORCL,nvda" }, "--tickers: NVDA is given twice"],
    ["no --from", { ...ARGS, from: undefined }, "--from is missing (a date written YYYY-MM-DD)"],
    ["no --to", { ...ARGS, to: "" }, "--to is missing (a date written YYYY-MM-DD)"],
    ["a bad --from", { ...ARGS, from: "2004-13-01" }, '--from: "2004-13-01" is not a date written YYYY-MM-DD'],
    ["a --to not in ISO form", { ...ARGS, to: "31/12/2013" }, '--to: "31/12/2013" is not a date written YYYY-MM-DD'],
    ["from after to", { ...ARGS, from: "2014-01-01" }, "--from 2014-01-01 is after --to 2013-12-31"],
    ["no file source", { ...ARGS, data: undefined }, "NVDA has no file: give --data DIR (holding nvda-daily.csv) or --csv NVDA=PATH"],
    ["an empty --data", { ...ARGS, data: " " }, "--data: the directory is empty"],
    ["--csv without =", { ...ARGS, csv: ["nvda-daily.csv"] }, '--csv: "nvda-daily.csv" is not TICKER=PATH (like --csv NVDA=prices/nvda-daily.csv)'],
    ["--csv with a bad ticker", { ...ARGS, csv: ["BRK B=x.csv"] }, '--csv: "BRK B" is not a ticker (like NVDA or BRK.B)'],
    ["--csv without a path", { ...ARGS, csv: ["NVDA= "] }, "--csv: NVDA= has no path"],
    ["--csv for a ticker not in the list", { ...ARGS, csv: ["MSFT=msft-daily.csv"] }, "--csv: MSFT is not in --tickers (NVDA,ORCL,YHOO)"],
    ["--csv twice for one ticker", { ...ARGS, csv: ["NVDA=a.csv", "nvda=b.csv"] }, "--csv: NVDA is given twice"],
    ["another ticker's file", { ...ARGS, csv: ["ORCL=demo/prices/nvda-daily.csv"] }, "ORCL: nvda-daily.csv is named for NVDA"],
    ["another ticker's file, Windows path", { ...ARGS, csv: ["ORCL=C:\\prices\\YHOO-daily.csv"] }, "ORCL: YHOO-daily.csv is named for YHOO"],
  ])("%s", (_, args, message) => {
    expect(refusal(args)).toBe(message);
  });
});

describe("file names", () => {
  it("dailyFileName is the lower-case ticker and -daily.csv", () => {
    expect(dailyFileName("NVDA")).toBe("nvda-daily.csv");
    expect(dailyFileName("RDS-A")).toBe("rds-a-daily.csv");
  });

  it("tickerNamedBy reads the ticker back from a path, or null", () => {
    expect(tickerNamedBy("demo/prices/orcl-daily.csv")).toBe("ORCL");
    expect(tickerNamedBy("rds-a-daily.csv")).toBe("RDS-A");
    expect(tickerNamedBy("/tmp/prices.csv")).toBeNull();
    expect(tickerNamedBy("/tmp/nvda-weekly.csv")).toBeNull();
    expect(tickerNamedBy("/tmp/not a ticker-daily.csv")).toBeNull();
  });
});
