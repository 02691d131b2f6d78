import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnEntry } from "../support/spawn.js";

/**
 * `npm run backtest` (and the old `npm run replay`'s file check) as an operator meets them: the
 * real entry point in a child process, with no DATABASE_URL or REDIS_URL and a fresh DATA_DIR per
 * run, so a run that booted a database or wrote anywhere it was not asked to shows up as files.
 *
 * Bad input: exit 2, nothing on stdout, one line naming the problem then the pointer to --help,
 * no output file and an empty DATA_DIR. Good input: the report, the JSON and the PNG where asked.
 *
 * Each spawn costs a few seconds of module loading; the machine has 2 cores, so at most two run
 * at once (`limited`), and the ranges are one ticker over 2004.
 */

const BACKTEST = "src/main/backtest.ts";
const REPLAY = "src/main/replay.ts";
const NVDA_FILE = resolve("demo/prices/nvda-daily.csv");
const DEMO_DIR = resolve("demo/prices");
const NVDA_2004 = ["--tickers", "NVDA", "--data", DEMO_DIR, "--from", "2004-01-01", "--to", "2004-12-31"];
const FOOTER = "nothing was run; see npm run backtest -- --help";
/** The progress lines the backtest writes on stderr (never stdout) as it goes. */
const PROGRESS = /^(reading \d+ file\(s\)|running \d+ sessions of [A-Z., ]+)…$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A report's last line carries the wall-clock time the run took: the one line two runs may differ in. */
const TIMING_LINE = /^\d+ ticker-days in [\d.]+ s: \d+ ticker-days\/s$/;
/** A hang guard, not a speed check: a test's time includes waiting for one of the two slots. */
const TIMEOUT = 180_000;

let root: string;
/** Where runs that must fail before reading anything point --data or --csv. */
let emptyDir: string;
/** demo's NVDA file with one bad High on its second row (line 3 of the file). */
let badRowDir: string;
/** 2004's rows in the demo file, counted here without the desk's parser: the sessions a 2004 run has. */
let sessions2004: number;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "war-room-backtest-cli-"));
  emptyDir = await mkdtemp(join(root, "empty-"));
  badRowDir = await mkdtemp(join(root, "bad-row-"));
  const fileLines = (await readFile(NVDA_FILE, "utf8")).trim().split("\n");
  const rows2004 = fileLines.filter((line) => line.startsWith("2004-"));
  sessions2004 = rows2004.length;
  const [date, open, , low, ...rest] = rows2004[1]!.split(",");
  const badRow = [date, open, "abc", low, ...rest].join(",");
  await writeFile(join(badRowDir, "nvda-daily.csv"), [fileLines[0], rows2004[0], badRow, ...rows2004.slice(2)].join("\n") + "\n");
  startGoodRuns();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// At most two children at once; a finished run hands its slot straight to the next in line.
const MAX_RUNNING = 2;
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (running < MAX_RUNNING) running += 1;
  else await new Promise<void>((take) => waiting.push(take));
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The run's own DATA_DIR, fresh and empty when it started. */
  dataDir: string;
}

/** Runs an entry point to its end with a fresh DATA_DIR and no database or Redis in its environment. */
function run(entry: string, args: string[]): Promise<Run> {
  return limited(async () => {
    const dataDir = await mkdtemp(join(root, "data-"));
    // spawnEntry passes only PATH, HOME and LOG_LEVEL from here, so no DATABASE_URL / REDIS_URL leak in.
    const child = spawnEntry(entry, args, { DATA_DIR: dataDir, CI: "true" });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
    return { code, stdout, stderr, dataDir };
  });
}

// The runs the later tests read, started first so that they queue ahead of the refusals and no
// slot idles between groups of tests. The three backtests are compared with each other.
let files: Promise<{ result: Run; out: string }>;
let jsonOnStdout: Promise<Run>;
let plain: Promise<Run>;
let replayRefusal: Promise<Run>;
function startGoodRuns(): void {
  files = mkdtemp(join(root, "out-")).then(async (out) => ({ out, result: await run(BACKTEST, [...NVDA_2004, "--json", join(out, "result.json"), "--chart", join(out, "chart.png")]) }));
  jsonOnStdout = run(BACKTEST, [...NVDA_2004, "--json", "-"]);
  plain = run(BACKTEST, NVDA_2004);
  replayRefusal = run(REPLAY, ["--ticker", "ORCL", "--csv", join(emptyDir, "nvda-daily.csv"), "--from", "2004-01-01", "--to", "2004-12-31", "--strategy", "sma-cross"]);
  // A failure is reported by the test that awaits it, not as an unhandled rejection here.
  for (const p of [files, jsonOnStdout, plain, replayRefusal]) p.catch(() => undefined);
}

function lines(text: string): string[] {
  return text.trimEnd().split("\n");
}

/**
 * Runs the backtest with `args` plus outputs (by default --json and --chart into a fresh
 * directory) and checks the refusal: exit 2, stdout empty, stderr = progress lines, then exactly
 * `error`, then the footer; the output directory and DATA_DIR empty afterwards.
 */
async function expectRefused(args: string[], error: RegExp, outputs = (out: string) => ["--json", join(out, "result.json"), "--chart", join(out, "chart.png")]): Promise<void> {
  const out = await mkdtemp(join(root, "out-"));
  const result = await run(BACKTEST, [...args, ...outputs(out)]);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe("");
  expect(lines(result.stderr).filter((line) => !PROGRESS.test(line))).toEqual([expect.stringMatching(error), FOOTER]);
  expect(await readdir(out)).toEqual([]);
  expect(await readdir(result.dataDir)).toEqual([]);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.concurrent("npm run backtest refuses bad input in one line and writes nothing", () => {
  it("a --data directory without the ticker's file", { timeout: TIMEOUT }, async () => {
    await expectRefused(
      ["--tickers", "NVDA", "--data", emptyDir, "--from", "2004-01-01", "--to", "2004-12-31"],
      new RegExp(`^NVDA: ${escape(join(emptyDir, "nvda-daily.csv"))} does not exist$`),
    );
  });

  it("a file with a row whose High is not a price", { timeout: TIMEOUT }, async () => {
    // Line 1 is the header, line 2 2004's first row, line 3 the row made bad; High is column 3.
    await expectRefused(
      ["--tickers", "NVDA", "--data", badRowDir, "--from", "2004-01-01", "--to", "2004-12-31"],
      new RegExp(`^NVDA: ${escape(join(badRowDir, "nvda-daily.csv"))} line 3, column 3 \\(High\\): "abc" is not a price$`),
    );
  });

  it("a range the file has no bars in", { timeout: TIMEOUT }, async () => {
    // The demo file ends on 2014-12-31, so 2030 holds nothing; the message says where its bars are.
    await expectRefused(
      ["--tickers", "NVDA", "--data", DEMO_DIR, "--from", "2030-01-01", "--to", "2030-12-31"],
      /^NVDA: .*nvda-daily\.csv has no bars from 2030-01-01 to 2030-12-31 \(its bars run 1999-01-22 to 2014-12-31\)$/,
    );
  });

  it("an SMA cross whose fast average is longer than its slow one", { timeout: TIMEOUT }, async () => {
    await expectRefused([...NVDA_2004, "--strategy", "sma-cross", "--fast", "40", "--slow", "30"], /^--slow \(30\) must be longer than --fast \(40\)$/);
  });

  it("a War Room position limit over the 30% concentration limit", { timeout: TIMEOUT }, async () => {
    await expectRefused([...NVDA_2004, "--max-position-pct", "35"], /^--max-position-pct 35 must stay under the 30% concentration limit \(KS_CONCENTRATION_PCT\)$/);
  });

  it("the same ticker twice, in either case", { timeout: TIMEOUT }, async () => {
    await expectRefused(["--tickers", "NVDA,nvda", "--data", DEMO_DIR, "--from", "2004-01-01", "--to", "2004-12-31"], /^--tickers: NVDA is given twice$/);
  });

  it("a file named for one ticker passed for another (nvda-daily.csv as ORCL)", { timeout: TIMEOUT }, async () => {
    await expectRefused(["--tickers", "ORCL", "--csv", `ORCL=${NVDA_FILE}`, "--from", "2004-01-01", "--to", "2004-12-31"], /^ORCL: nvda-daily\.csv is named for NVDA$/);
  });

  it("an unknown option (replay's --ticker for --tickers)", { timeout: TIMEOUT }, async () => {
    await expectRefused(["--ticker", "NVDA", "--data", DEMO_DIR, "--from", "2004-01-01", "--to", "2004-12-31"], /^Unknown option '--ticker'/);
  });

  it("a chart that is not a .png", { timeout: TIMEOUT }, async () => {
    await expectRefused(NVDA_2004, /^--chart ".*out\.jpg" must name a \.png file$/, (out) => ["--json", join(out, "result.json"), "--chart", join(out, "out.jpg")]);
  });

  it("an unknown halt policy", { timeout: TIMEOUT }, async () => {
    await expectRefused([...NVDA_2004, "--halts", "sometimes"], /^--halts must be one of stay, resume-next-session, got "sometimes"$/);
  });

  it("no capital", { timeout: TIMEOUT }, async () => {
    await expectRefused([...NVDA_2004, "--capital", "0"], /^--capital must be above 0, got 0$/);
  });
});

describe.concurrent("npm run backtest's outputs", () => {
  /** Every line of a report but the timing line, which differs between two runs of the same thing. */
  const untimed = (report: string) => lines(report).filter((line) => !TIMING_LINE.test(line));
  /** The JSON without its one timing figure. */
  const untimedJson = (text: string) => {
    const { elapsedSeconds, ...rest } = JSON.parse(text) as Record<string, unknown>;
    expect(typeof elapsedSeconds).toBe("number");
    return rest;
  };

  it("--json FILE --chart FILE.png writes both, the report on stdout and only progress on stderr", { timeout: TIMEOUT }, async () => {
    const { result, out } = await files;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Backtest NVDA 2004-01-02 \\.\\. 2004-12-31 \\(${sessions2004} trading days\\)`));
    const jsonPath = join(out, "result.json");
    const chartPath = join(out, "chart.png");
    expect(lines(result.stderr)).toEqual(["reading 1 file(s)…", `running ${sessions2004} sessions of NVDA…`, `wrote ${jsonPath}`, `wrote ${chartPath}`]);
    expect((await readdir(out)).sort()).toEqual(["chart.png", "result.json"]);
    const json = JSON.parse(await readFile(jsonPath, "utf8")) as { format: string; header: { tickers: string[]; tradingDays: number }; run: { days: unknown[] } };
    expect(json.format).toBe("war-room-backtest/1");
    expect(json.header.tickers).toEqual(["NVDA"]);
    expect(json.header.tradingDays).toBe(sessions2004);
    expect(json.run.days).toHaveLength(sessions2004);
    const png = await readFile(chartPath);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(await readdir(result.dataDir)).toEqual([]);
  });

  it("--json - puts the JSON alone on stdout (the same as the file's) and the report on stderr", { timeout: TIMEOUT }, async () => {
    const [stdoutRun, { result: fileRun, out }] = await Promise.all([jsonOnStdout, files]);
    expect(stdoutRun.code, stdoutRun.stderr).toBe(0);
    // The whole of stdout parses: no report, progress or log line is mixed into it.
    expect(untimedJson(stdoutRun.stdout)).toEqual(untimedJson(await readFile(join(out, "result.json"), "utf8")));
    const [reading, runningLine, ...report] = lines(stdoutRun.stderr);
    expect([reading, runningLine]).toEqual(["reading 1 file(s)…", `running ${sessions2004} sessions of NVDA…`]);
    expect(report[0]).toMatch(/^Backtest NVDA /);
    expect(untimed(report.join("\n"))).toEqual(untimed(fileRun.stdout));
    expect(await readdir(stdoutRun.dataDir)).toEqual([]);
  });

  it("a plain run prints the report on stdout, and stderr holds progress only (no log lines)", { timeout: TIMEOUT }, async () => {
    const [result, { result: fileRun }] = await Promise.all([plain, files]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith("Backtest ")).toBe(true);
    expect(untimed(result.stdout)).toEqual(untimed(fileRun.stdout));
    const stderr = lines(result.stderr);
    // pino writes one JSON object a line ({"level":30,...}); none may appear, nor anything but progress.
    expect(stderr.filter((line) => line.trimStart().startsWith("{") || line.includes('"level"'))).toEqual([]);
    expect(stderr).toEqual(["reading 1 file(s)…", `running ${sessions2004} sessions of NVDA…`]);
    expect(await readdir(result.dataDir)).toEqual([]);
  });
});

describe("npm run replay", () => {
  it("refuses a file named for another ticker before reading it or booting a database", { timeout: TIMEOUT }, async () => {
    // The path does not exist: had replay read the file first, it would complain that it cannot
    // read it; had it booted its runtime, DATA_DIR would hold an embedded PostgreSQL.
    const result = await replayRefusal;
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    const [error, blank, usage] = lines(result.stderr);
    expect([error, blank]).toEqual(["ORCL: nvda-daily.csv is named for NVDA", ""]);
    expect(usage).toMatch(/^usage: npm run replay -- --ticker /);
    expect(await readdir(result.dataDir)).toEqual([]);
  });
});
