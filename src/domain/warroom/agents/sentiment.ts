import Sentiment from "sentiment";
import type { AgentVote, WarRoomInput } from "../types.js";
import { ageHours, clip, fmt, recencyWeight, toConfidence } from "./common.js";

/**
 * Sentiment agent: the tone of recent headlines (title + summary) for the ticker.
 *
 * Each article's score is -1..1: the news store's own score when it has one, otherwise AFINN
 * (the `sentiment` package) with a small market lexicon on top, squashed by tanh(score / 4).
 * Articles are averaged with weights that halve every `halfLifeHours` from `input.now`; the
 * average beyond ±`threshold` votes BUY/SELL. Confidence is the size of the average scaled by how
 * much fresh news stands behind it (one article just published: two thirds of the average).
 * Only news from the last `windowHours` counts (published up to `skewMinutes` after `now` is
 * taken as just published: feed clocks drift); with none, the agent abstains.
 */

export interface SentimentOptions {
  windowHours: number;
  halfLifeHours: number;
  threshold: number;
  skewMinutes: number;
}

export const SENTIMENT_DEFAULTS: Readonly<SentimentOptions> = { windowHours: 72, halfLifeHours: 24, threshold: 0.2, skewMinutes: 5 };

export const SENTIMENT_AGENT = "sentiment";

/**
 * Market words AFINN lacks or reads the wrong way ("shares" is +1 there, "fine" +2). Applied on
 * top of the library's result rather than through `analyze(..., { extras })`, which writes the
 * extras into the package's shared English list for every user of it in the process.
 */
const MARKET_LEXICON: ReadonlyMap<string, number> = new Map(
  Object.entries({
    share: 0, shares: 0, stock: 0, stocks: 0, fine: 0,
    surge: 3, surges: 3, surged: 3, soar: 3, soars: 3, soared: 3, rally: 2, rallies: 2, rallied: 2,
    jump: 2, jumps: 2, jumped: 2, climb: 1, climbs: 1, climbed: 1, rebound: 2, rebounds: 2,
    beat: 2, beats: 2, tops: 2, exceeds: 2, exceeded: 2, outperform: 2, outperforms: 2,
    upgrade: 2, upgrades: 2, upgraded: 2, bullish: 2, record: 1, raises: 1, raised: 1,
    plunge: -3, plunges: -3, plunged: -3, slump: -3, slumps: -3, slumped: -3, tumble: -3, tumbles: -3, tumbled: -3,
    sink: -2, sinks: -2, sank: -2, slide: -2, slides: -2, slid: -2, drop: -2, drops: -2, dropped: -2, fall: -2, falls: -2, fell: -2,
    misses: -2, missed: -2, downgrade: -2, downgrades: -2, downgraded: -2, bearish: -2, lowers: -1, lowered: -1,
    layoffs: -2, recall: -2, recalls: -2, probe: -2, investigation: -2, fined: -2, selloff: -3,
    delisted: -3, delisting: -3, halted: -2, default: -3, defaults: -3,
  }),
);

/** The library's English negators: a scored word straight after one counts the other way. */
const NEGATORS = new Set(["cant", "can't", "dont", "don't", "doesnt", "doesn't", "not", "non", "wont", "won't", "isnt", "isn't"]);

const analyzer = new Sentiment();

/** A text's tone, -1..1: AFINN (the `sentiment` package) with the market lexicon on top, squashed by tanh(score / 4). */
export function scoreText(text: string): number {
  const result = analyzer.analyze(text);
  let score = result.score;
  // Take back what AFINN gave the lexicon's words, then score them as the lexicon says.
  for (const entry of result.calculation) {
    for (const [word, value] of Object.entries(entry)) if (MARKET_LEXICON.has(word)) score -= value;
  }
  result.tokens.forEach((token, i) => {
    const value = MARKET_LEXICON.get(token);
    if (value !== undefined) score += i > 0 && NEGATORS.has(result.tokens[i - 1]!) ? -value : value;
  });
  return Math.tanh(score / 4);
}

/** The stored score when it is a number in -1..1; null otherwise (the text is scored instead). */
function storedScore(raw: string | null): number | null {
  if (raw === null || raw.trim() === "") return null;
  const value = Number(raw);
  return Number.isFinite(value) && value >= -1 && value <= 1 ? value : null;
}

export function sentimentAgent(input: WarRoomInput, options: Partial<SentimentOptions> = {}): AgentVote {
  const o: SentimentOptions = { ...SENTIMENT_DEFAULTS, ...options };
  const scored: { title: string; score: number; weight: number; stored: boolean }[] = [];
  for (const article of input.news) {
    const age = ageHours(input.now, article.publishedAt);
    if (age > o.windowHours || age < -o.skewMinutes / 60) continue;
    const stored = storedScore(article.sentiment);
    const score = stored ?? scoreText(article.summary ? `${article.title}. ${article.summary}` : article.title);
    scored.push({ title: article.title, score, weight: recencyWeight(age, o.halfLifeHours), stored: stored !== null });
  }
  if (scored.length === 0) {
    return { agent: SENTIMENT_AGENT, vote: "ABSTAIN", confidence: toConfidence(0), veto: false, rationale: `no news in the last ${o.windowHours} h`, details: { articles: 0 } };
  }

  let weightSum = 0;
  let weighted = 0;
  let loudest = scored[0]!;
  for (const s of scored) {
    weightSum += s.weight;
    weighted += s.weight * s.score;
    if (Math.abs(s.score) * s.weight > Math.abs(loudest.score) * loudest.weight) loudest = s;
  }
  const average = weighted / weightSum;
  // Evidence: one article just published counts 1; the average is trusted by sum / (sum + 0.5).
  const evidence = weightSum / (weightSum + 0.5);
  const stored = scored.filter((s) => s.stored).length;
  const details = { articles: scored.length, stored, scored: scored.length - stored, average: round(average), weightSum: round(weightSum), loudest: loudest.title };
  const summary = `${scored.length} headline${scored.length === 1 ? "" : "s"} in ${o.windowHours} h (${stored} stored, ${scored.length - stored} scored), recency-weighted tone ${fmt(average, 2, true)}`;
  const quote = `; loudest: "${clip(loudest.title, 80)}" ${fmt(loudest.score, 2, true)}`;

  if (Math.abs(average) < o.threshold) {
    return { agent: SENTIMENT_AGENT, vote: "HOLD", confidence: toConfidence(evidence * (1 - Math.abs(average) / o.threshold)), veto: false, rationale: `${summary}: neutral${quote}`, details };
  }
  const vote = average > 0 ? "BUY" : "SELL";
  return { agent: SENTIMENT_AGENT, vote, confidence: toConfidence(Math.abs(average) * evidence), veto: false, rationale: `${summary}${quote}`, details };
}

function round(value: number): number {
  return Number(value.toFixed(4));
}
