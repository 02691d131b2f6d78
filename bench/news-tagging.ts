/**
 * News tagging benchmark: `npm run bench:tagging`.
 *
 * Quality and speed of `tagTickers` on the hand-labelled finance headlines of
 * test/fixtures/headlines/labelled-headlines.csv (true mentions by name, ticker and cashtag;
 * traps such as "apple pie", "Big Apple", "Apple Hospitality REIT (APLE)", "Oracle of Omaha",
 * "Delphi's oracle", "Amazon rainforest", "Target practice", "Meta-analysis", "Shell shock"):
 *   [1] precision, recall and F1 over (headline, ticker) pairs, for the current rule and for
 *       the previous one (every watchlist name found as a whole word, in any case, counted:
 *       what explainTags reports before its verdicts), with the false positives by kind;
 *   [2] throughput: headlines per second and the latency of one headline (p50/p95/p99),
 *       the whole set tagged ROUNDS times after a warm-up.
 * No database, no network. Knob (env): BENCH_TAGGING_ROUNDS (default 200).
 */
import { explainTags, tagTickers, type WatchlistEntry } from "../src/domain/news-tagging.js";
import { loadHeadlineWatchlist, loadLabelledHeadlines, scoreTagging, type LabelledHeadline, type TaggingScore } from "../test/fixtures/headlines/labelled-headlines.js";
import { runBenchmark, say } from "./harness.js";
import { formatInt, formatMs, formatRate, formatSummary, formatTable, summarize } from "./stats.js";

const ROUNDS = Number(process.env.BENCH_TAGGING_ROUNDS ?? 200);

/** The rule before issue 12: cashtags, tickers as words, and every name found, whatever surrounds it. */
function previousRule(headline: string, watchlist: readonly WatchlistEntry[]): string[] {
  const { symbols, names } = explainTags(headline, watchlist);
  return [...new Set([...symbols, ...names.map((n) => n.ticker)])].sort();
}

function qualityRow(name: string, score: TaggingScore): string[] {
  return [name, score.precision.toFixed(3), score.recall.toFixed(3), score.f1.toFixed(3), String(score.truePositives), String(score.falsePositives.length), String(score.falseNegatives.length)];
}

function falsePositivesByKind(score: TaggingScore): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const fp of score.falsePositives) byKind.set(fp.kind, (byKind.get(fp.kind) ?? 0) + 1);
  return byKind;
}

function throughput(headlines: readonly LabelledHeadline[], watchlist: readonly WatchlistEntry[]): void {
  const texts = headlines.map((h) => h.headline);
  for (let i = 0; i < 3; i += 1) for (const text of texts) tagTickers(text, watchlist); // warm-up: JIT and compiled patterns
  const samples = new Array<number>(texts.length * ROUNDS);
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < texts.length; i += 1) {
      const t = process.hrtime.bigint();
      sink += tagTickers(texts[i] as string, watchlist).length;
      samples[round * texts.length + i] = Number(process.hrtime.bigint() - t) / 1e6;
    }
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  const summary = summarize(samples);
  say(`    ${formatInt(samples.length)} headlines in ${formatMs(totalMs)} (${formatInt(sink)} tags): ${formatRate((samples.length / totalMs) * 1000, "headlines")}`);
  say(`    per headline: ${formatSummary(summary)}`);
}

async function main(): Promise<void> {
  const headlines = loadLabelledHeadlines();
  const watchlist = loadHeadlineWatchlist();
  const kinds = new Map<string, number>();
  for (const h of headlines) kinds.set(h.kind, (kinds.get(h.kind) ?? 0) + 1);
  say(`News tagging on ${headlines.length} labelled headlines, ${watchlist.length}-entry watchlist`);
  say(`  kinds: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}`);

  say("\n[1] quality over (headline, ticker) pairs");
  const current = scoreTagging(headlines, (h) => tagTickers(h, watchlist));
  const previous = scoreTagging(headlines, (h) => previousRule(h, watchlist));
  say(formatTable(["rule", "precision", "recall", "F1", "TP", "FP", "FN"], [qualityRow("current", current), qualityRow("previous", previous)]).replace(/^/gm, "    "));
  const before = falsePositivesByKind(previous);
  const after = falsePositivesByKind(current);
  const rows = [...new Set([...before.keys(), ...after.keys()])].sort().map((kind) => [kind, String(before.get(kind) ?? 0), String(after.get(kind) ?? 0)]);
  say("\n    false positives by kind");
  say(formatTable(["kind", "previous", "current"], rows).replace(/^/gm, "    "));
  for (const fp of current.falsePositives) say(`    still wrong: ${fp.ticker} in "${fp.headline}" (${fp.kind})`);
  for (const fn of current.falseNegatives) say(`    missed: ${fn.ticker} in "${fn.headline}" (${fn.kind})`);

  say(`\n[2] throughput of the current rule (${ROUNDS} rounds of the set)`);
  throughput(headlines, watchlist);
}

runBenchmark("bench:tagging", main);
