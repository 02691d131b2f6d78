import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLlmAgent } from "../../src/adapters/llm/llm-agent.js";
import { Dec } from "../../src/domain/decimal.js";
import type { AgentVote, WarRoomInput } from "../../src/domain/warroom/types.js";

const NOW = new Date("2026-03-10T19:00:00Z");
const API_KEY = "sk-test-0123456789abcdef";
const MODEL = "test-model";

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    temperature: number;
    response_format: unknown;
    messages: { role: string; content: string }[];
  };
}

/** A local chat-completions server: each test sets how it answers. */
let server: Server;
let baseUrl: string;
let seen: Seen[];
let answer: (req: IncomingMessage, res: ServerResponse) => void;

beforeEach(async () => {
  seen = [];
  server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(raw) as Seen["body"] });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Answers with a chat completion whose message content is `content`. */
function completion(content: string | null, status = 200) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", model: MODEL, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }));
  };
}

function input(): WarRoomInput {
  return {
    ticker: "NVDA",
    now: NOW,
    closes: Array.from({ length: 40 }, (_, i) => ({ day: `2026-01-${String(i + 1).padStart(2, "0")}`, close: new Dec(100 + i).plus("0.5") })),
    lastPrice: new Dec("140.25"),
    priceTime: NOW,
    news: [
      { title: "Nvidia beats estimates", summary: "Data-center revenue up 80%.", publishedAt: new Date(NOW.getTime() - 3_600_000), sentiment: "0.7000" },
      { title: "Old story from last month", summary: null, publishedAt: new Date(NOW.getTime() - 30 * 86_400_000), sentiment: null },
    ],
    signals: [],
    account: {
      equity: new Dec("100000"),
      cash: new Dec("100000"),
      heldQuantity: 12,
      killSwitch: "ACTIVE",
      phase: "shadow",
      positionValue: new Dec("1683"),
      concentrationPct: 1.683,
      ordersToday: 0,
      dailyTradeLimit: 20,
      maxPositionPct: 30,
    },
  };
}

const OTHERS: AgentVote[] = [
  { agent: "trend", vote: "BUY", confidence: new Dec("0.8"), veto: false, rationale: "SMA20 130.00 > SMA50 120.00 (uptrend, +8.33%), RSI 61.0", details: {} },
  { agent: "risk", vote: "HOLD", confidence: new Dec("1"), veto: false, rationale: "no veto", details: {} },
];

const agent = (timeoutMs = 2000, apiKey: string | undefined = API_KEY) => createLlmAgent({ baseUrl, apiKey, model: MODEL, timeoutMs });

function expectAbstain(v: AgentVote, reason: RegExp): void {
  expect(v.agent).toBe("llm");
  expect(v.vote).toBe("ABSTAIN");
  expect(v.veto).toBe(false);
  expect(v.confidence.isZero()).toBe(true);
  expect(v.rationale).toMatch(reason);
  expect(JSON.stringify(v)).not.toContain(API_KEY);
}

describe("LLM agent", () => {
  it("returns the model's vote, and sends the right request", async () => {
    answer = completion(JSON.stringify({ vote: "BUY", confidence: 0.72346, rationale: "Trend and earnings agree." }));
    const v = await agent()(input(), OTHERS);
    expect(v).toMatchObject({ agent: "llm", vote: "BUY", veto: false, rationale: "Trend and earnings agree." });
    expect(v.confidence.toString()).toBe("0.7235");
    expect(v.details).toMatchObject({ model: MODEL });
    expect(JSON.stringify(v)).not.toContain(API_KEY);

    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req).toMatchObject({ method: "POST", path: "/v1/chat/completions", authorization: `Bearer ${API_KEY}` });
    expect(req!.body).toMatchObject({ model: MODEL, temperature: 0, response_format: { type: "json_object" } });
    expect(req!.body.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(req!.body.messages[0]!.content).toContain('"vote": "BUY" | "SELL" | "HOLD"');
    const user = req!.body.messages[1]!.content;
    expect(user).toContain("Ticker: NVDA");
    expect(user).toContain("Daily closes, oldest first (last 30):");
    expect(user).not.toContain("2026-01-10 109.50"); // the 10th of 40: not among the last 30
    expect(user).toContain("2026-01-11 110.50");
    expect(user).toContain("2026-01-40 139.50");
    expect(user).toContain("Nvidia beats estimates — Data-center revenue up 80%. [tone 0.7000]");
    expect(user).not.toContain("Old story");
    expect(user).toContain("- trend: BUY confidence 0.80 — SMA20 130.00 > SMA50 120.00");
    expect(user).toContain("- risk: HOLD confidence 1.00 — no veto");
    expect(user).toContain("shares held: 12");
  });

  it("sends no Authorization header without a key, and trims a trailing slash off the base URL", async () => {
    answer = completion(JSON.stringify({ vote: "HOLD", confidence: 0.5, rationale: "Nothing new." }));
    const v = await createLlmAgent({ baseUrl: `${baseUrl}/`, model: MODEL, timeoutMs: 2000 })(input(), []);
    expect(v.vote).toBe("HOLD");
    expect(seen[0]).toMatchObject({ path: "/v1/chat/completions", authorization: undefined });
  });

  it("cuts an over-long rationale to 400 characters, and reads a fenced answer", async () => {
    answer = completion("```json\n" + JSON.stringify({ vote: "SELL", confidence: 1, rationale: "x".repeat(500) }) + "\n```");
    const v = await agent()(input(), OTHERS);
    expect(v.vote).toBe("SELL");
    expect(v.rationale).toHaveLength(400);
  });

  it("abstains on content that is not JSON", async () => {
    answer = completion("I think you should buy, confidence high.");
    expectAbstain(await agent()(input(), OTHERS), /^LLM abstains: the model's answer is not JSON$/);
  });

  it("abstains on JSON of the wrong shape", async () => {
    answer = completion(JSON.stringify({ vote: "STRONG BUY", confidence: 0.9, rationale: "Moon." }));
    expectAbstain(await agent()(input(), OTHERS), /^LLM abstains: the model's answer does not fit \{vote, confidence, rationale\} \(vote: /);
    answer = completion(JSON.stringify({ vote: "BUY", confidence: 1.5, rationale: "Sure." }));
    expectAbstain(await agent()(input(), OTHERS), /\(confidence: /);
  });

  it("abstains on a reply that is not a chat completion, or an empty answer", async () => {
    answer = (_req, res) => res.end("<html>gateway</html>");
    expectAbstain(await agent()(input(), OTHERS), /not a chat completion/);
    answer = completion(null);
    expectAbstain(await agent()(input(), OTHERS), /empty answer/);
  });

  it("abstains on HTTP 500, without echoing the body", async () => {
    answer = (_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `bad key ${API_KEY}` } }));
    };
    const v = await agent()(input(), OTHERS);
    expectAbstain(v, /^LLM abstains: HTTP 500 Internal Server Error$/);
    expect(v.details).toMatchObject({ error: "http" });
  });

  it("abstains within the timeout when the server never answers", async () => {
    answer = () => {}; // holds the request open
    const started = performance.now();
    const v = await agent(200)(input(), OTHERS);
    const elapsed = performance.now() - started;
    expectAbstain(v, /^LLM abstains: no answer within 200 ms$/);
    expect(v.details).toMatchObject({ error: "timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
  });

  it("abstains when nothing listens, and never throws", async () => {
    // A port that was free a moment ago: nothing listens there now.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const closed = createLlmAgent({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: API_KEY, model: MODEL, timeoutMs: 2000 });
    expectAbstain(await closed(input(), OTHERS), /^LLM abstains: request failed \(fetch failed: ECONNREFUSED\)$/);
    const throwing = createLlmAgent({ baseUrl, apiKey: API_KEY, model: MODEL, timeoutMs: 2000, fetch: () => Promise.reject(new Error(`boom ${API_KEY}`)) });
    expectAbstain(await throwing(input(), OTHERS), /^LLM abstains: request failed \(boom \[redacted\]\)$/);
  });
});
