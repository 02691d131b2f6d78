import { performance } from "node:perf_hooks";
import { z } from "zod";
import { ageHours, clip, toConfidence } from "../../domain/warroom/agents/common.js";
import type { AgentVote, WarRoomInput } from "../../domain/warroom/types.js";

/**
 * The optional LLM agent: one chat-completions call to an OpenAI-compatible endpoint
 * (POST {baseUrl}/chat/completions, temperature 0, JSON mode) that reads the closes, the
 * headlines and the other agents' votes and answers {vote, confidence, rationale}.
 *
 * It never throws and never holds the room up: an HTTP error, an answer that is not JSON or not
 * of that shape, a network failure or no answer within `timeoutMs` all make it ABSTAIN with the
 * reason in its rationale. The API key goes in the Authorization header and nowhere else: it
 * is not logged, and any text the agent returns is scrubbed of it.
 */

export interface LlmAgentOptions {
  /** e.g. https://api.openai.com/v1 (LLM_BASE_URL). */
  baseUrl: string;
  /** LLM_API_KEY; sent as a bearer token when set. */
  apiKey?: string;
  /** LLM_MODEL. */
  model: string;
  /** LLM_TIMEOUT_MS: the whole call, answer body included. */
  timeoutMs: number;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** `signal`: the session's deadline; the call is abandoned when it fires, not only at its own timeout. */
export type LlmAgent = (input: WarRoomInput, otherVotes: readonly AgentVote[], signal?: AbortSignal) => Promise<AgentVote>;

export const LLM_AGENT = "llm";

/** Closes and headlines the prompt shows; older ones add tokens, not judgement. */
const PROMPT_CLOSES = 30;
const PROMPT_HEADLINES = 20;
const PROMPT_NEWS_HOURS = 72;
const RATIONALE_MAX = 400;

const answerSchema = z.object({
  vote: z.enum(["BUY", "SELL", "HOLD"]),
  confidence: z.number().min(0).max(1),
  // Asked for at most 400 characters; a model that runs over is cut, not refused.
  rationale: z
    .string()
    .trim()
    .min(1)
    .transform((s) => clip(s, RATIONALE_MAX)),
});

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
});

const SYSTEM_PROMPT = [
  "You are one analyst in a trading desk's War Room. The desk trades US equities long only:",
  "BUY opens or adds to a position, SELL sells the shares held, HOLD does nothing.",
  "Weigh the price history, the recent headlines and the other analysts' votes, and give your own view.",
  'Answer with a single JSON object and nothing else: {"vote": "BUY" | "SELL" | "HOLD", "confidence": number from 0 to 1, "rationale": string of at most 400 characters}.',
].join(" ");

export function createLlmAgent(options: LlmAgentOptions): LlmAgent {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const doFetch = options.fetch ?? fetch;
  const scrub = (text: string) => (options.apiKey ? text.split(options.apiKey).join("[redacted]") : text);

  return async (input, otherVotes, sessionSignal) => {
    const started = performance.now();
    const details = (extra: Record<string, unknown>) => ({ model: options.model, latencyMs: Math.round(performance.now() - started), ...extra });
    const abstain = (error: string, reason: string): AgentVote => ({
      agent: LLM_AGENT,
      vote: "ABSTAIN",
      confidence: toConfidence(0),
      veto: false,
      rationale: scrub(`LLM abstains: ${reason}`),
      details: details({ error }),
    });

    let body: string;
    try {
      const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      const response = await doFetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify({
          model: options.model,
          temperature: 0,
          response_format: { type: "json_object" },
          messages: [
            { role: "system", content: SYSTEM_PROMPT },
            { role: "user", content: buildPrompt(input, otherVotes) },
          ],
        }),
        signal: sessionSignal ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), sessionSignal]) : AbortSignal.timeout(options.timeoutMs),
      });
      body = await response.text();
      if (!response.ok) return abstain("http", `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
    } catch (error) {
      if (isTimeout(error)) return abstain("timeout", `no answer within ${options.timeoutMs} ms`);
      return abstain("network", `request failed (${describe(error)})`);
    }

    const completion = completionSchema.safeParse(parseJson(body));
    if (!completion.success) return abstain("format", "the endpoint's reply is not a chat completion");
    const content = completion.data.choices[0]!.message.content;
    if (!content) return abstain("empty", "the model gave an empty answer");
    const json = parseJson(stripFence(content));
    if (json === undefined) return abstain("json", "the model's answer is not JSON");
    const answer = answerSchema.safeParse(json);
    if (!answer.success) {
      const issue = answer.error.issues[0];
      return abstain("schema", `the model's answer does not fit {vote, confidence, rationale}${issue ? ` (${issue.path.join(".") || "answer"}: ${issue.message})` : ""}`);
    }
    return {
      agent: LLM_AGENT,
      vote: answer.data.vote,
      confidence: toConfidence(answer.data.confidence),
      veto: false,
      rationale: scrub(answer.data.rationale),
      details: details({}),
    };
  };
}

/** The user message: the ticker, its last closes, recent headlines and the other votes. */
export function buildPrompt(input: WarRoomInput, otherVotes: readonly AgentVote[]): string {
  const closes = input.closes.slice(-PROMPT_CLOSES).map((c) => `${c.day} ${c.close.toFixed(2)}`);
  const news = input.news
    .filter((n) => ageHours(input.now, n.publishedAt) <= PROMPT_NEWS_HOURS)
    .toSorted((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime())
    .slice(0, PROMPT_HEADLINES)
    .map((n) => {
      const tone = n.sentiment === null ? "" : ` [tone ${n.sentiment}]`;
      const summary = n.summary ? ` — ${clip(n.summary, 200)}` : "";
      return `- ${n.publishedAt.toISOString()} ${clip(n.title, 160)}${summary}${tone}`;
    });
  const votes = otherVotes.map((v) => `- ${v.agent}: ${v.vote}${v.veto ? " (VETO)" : ""} confidence ${v.confidence.toFixed(2)} — ${clip(v.rationale, 300)}`);
  return [
    `Ticker: ${input.ticker}`,
    `Now: ${input.now.toISOString()}`,
    `Last price: ${input.lastPrice ? input.lastPrice.toFixed(2) : "unknown"}; shares held: ${input.account.heldQuantity}`,
    "",
    `Daily closes, oldest first (last ${closes.length}):`,
    ...(closes.length > 0 ? closes : ["(none)"]),
    "",
    `Headlines of the last ${PROMPT_NEWS_HOURS} h, newest first:`,
    ...(news.length > 0 ? news : ["(none)"]),
    "",
    "The other analysts' votes:",
    ...(votes.length > 0 ? votes : ["(none)"]),
  ].join("\n");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Some compatible servers ignore JSON mode and fence the object in ```json ... ```. */
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return fenced ? fenced[1]! : text;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || (error.name === "AbortError" && error.cause instanceof Error && error.cause.name === "TimeoutError"));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : "";
  return `${error.message}${cause}`;
}
