import { performance } from "node:perf_hooks";
import { Dec } from "../../domain/decimal.js";
import { decide } from "../../domain/warroom/chair.js";
import { weightsFrom } from "../../domain/warroom/track-record.js";
import { riskAgent } from "../../domain/warroom/agents/risk.js";
import { sentimentAgent } from "../../domain/warroom/agents/sentiment.js";
import { signalsAgent } from "../../domain/warroom/agents/signals.js";
import { trendAgent } from "../../domain/warroom/agents/trend.js";
import type { Agent, AgentVote, ChairDecision, WarRoomInput } from "../../domain/warroom/types.js";
import type { ApprovalDeps } from "../approvals/request-order.js";
import { mirrorDecision, type MirrorResult } from "../orders/mirror-decision.js";
import type { DeskReader } from "../ports/desk-reader.js";
import type { MirrorStore } from "../ports/mirror-store.js";
import type { ProposalBoard } from "../ports/proposal-board.js";
import type { SignalStore } from "../ports/signal-store.js";
import type { WarRoomStore } from "../ports/warroom-store.js";
import { gatherInput, type GatherDeps } from "./gather.js";

/** An agent that may take time (the LLM): it sees the pure agents' votes. */
export type SlowAgent = (input: WarRoomInput, others: readonly AgentVote[], signal: AbortSignal) => Promise<AgentVote>;

export interface WarRoomSettings {
  /** The whole session's budget; a slow agent still thinking then abstains. */
  deadlineMs: number;
  riskFraction: Dec;
  act: Dec;
  defaultStopPct: number;
  /** Weights follow each agent's scored accuracy once it has this many scored votes. */
  minScoredForWeight: number;
  /**
   * The most of equity the War Room builds one position to (WARROOM_MAX_POSITION_PCT): the risk
   * agent's veto and the chair's cap. Kept under the concentration trigger's line, since a
   * position bought up to the line halts the account on its first uptick (the backtest found it).
   */
  maxPositionPct: number;
}

export interface WarRoomDeps extends GatherDeps {
  store: WarRoomStore;
  signals: GatherDeps["signals"] & Pick<SignalStore, "insert">;
  approvals: ApprovalDeps;
  board: ProposalBoard;
  /** Where a mirrored decision and its legs are recorded. */
  mirrors: MirrorStore;
  /** The accounts a decision is mirrored to, and what each holds (for its sizing). */
  reader: Pick<DeskReader, "accounts" | "positions">;
  llm: SlowAgent | undefined;
  settings: WarRoomSettings;
}

export interface WarRoomResult {
  sessionId: string;
  ticker: string;
  /** The account the decision was made on (sized on its record). */
  accountId: string;
  decision: ChairDecision;
  durationMs: number;
  /** An actionable decision mirrored to every eligible account, one leg each; null for HOLD (or without `propose`). */
  mirror: MirrorResult | null;
}

const PURE_AGENTS: readonly Agent[] = [trendAgent, sentimentAgent, signalsAgent, (input) => riskAgent(input)];

/**
 * The account a War Room decision is made on: the desk's first shadow account (its paper record
 * is what the chair sizes by), else the first account of all.
 */
export async function referenceAccount(reader: Pick<DeskReader, "accounts">): Promise<{ id: string; name: string } | undefined> {
  const accounts = await reader.accounts();
  const reference = accounts.find((a) => a.mode === "shadow") ?? accounts[0];
  return reference ? { id: reference.id, name: reference.name } : undefined;
}

/**
 * One War Room session for a ticker: gather (indexed queries), the pure agents, the LLM agent
 * under what is left of the deadline, the chair's weighted decision on the reference account
 * (or `accountId`), the session and every vote stored, a signal written; with `propose`, an
 * actionable decision is mirrored to every eligible account (one proposal each, carrying the
 * rationale). Undefined when the account does not exist (or there is none).
 */
export async function runWarRoom(deps: WarRoomDeps, request: { ticker: string; accountId?: string; requestedBy: string; propose: boolean }): Promise<WarRoomResult | undefined> {
  const started = performance.now();
  const accountId = request.accountId ?? (await referenceAccount(deps.reader))?.id;
  if (!accountId) return undefined;
  const [gathered, accuracy] = await Promise.all([gatherInput(deps, request.ticker, accountId), deps.store.accuracy()]);
  if (!gathered) return undefined;
  const input = { ...gathered, account: { ...gathered.account, maxPositionPct: Math.min(gathered.account.maxPositionPct, deps.settings.maxPositionPct) } };

  const votes: (AgentVote & { latencyMs: number })[] = PURE_AGENTS.map((agent) => timed(() => agent(input)));
  if (deps.llm) votes.push(await withDeadline(deps.llm, input, votes, Math.max(0, deps.settings.deadlineMs - (performance.now() - started))));

  const decision = decide(votes, weightsFrom(accuracy, deps.settings.minScoredForWeight), {
    equity: input.account.equity,
    riskFraction: deps.settings.riskFraction,
    lastPrice: input.lastPrice,
    defaultStopPct: deps.settings.defaultStopPct,
    heldQuantity: input.account.heldQuantity,
    maxPositionPct: input.account.maxPositionPct,
    cash: input.account.cash,
  }, { act: deps.settings.act });
  const latency = new Map(votes.map((v) => [v.agent, v.latencyMs]));
  const durationMs = performance.now() - started;
  const sessionId = await deps.store.save({
    accountId,
    ticker: request.ticker,
    requestedBy: request.requestedBy,
    decision: decision.decision,
    confidence: decision.confidence,
    quantity: decision.quantity,
    stopPrice: decision.stopPrice,
    vetoed: decision.vetoed,
    rationale: decision.rationale,
    durationMs,
    at: input.now,
    votes: decision.votes.map((v) => ({ agent: v.agent, vote: v.vote, confidence: v.confidence, weight: v.weight, veto: v.veto, rationale: v.rationale, details: v.details, latencyMs: latency.get(v.agent) ?? 0 })),
  });
  await deps.signals.insert([{ ticker: request.ticker, signal: decision.decision, confidence: decision.confidence, source: "warroom", rationale: decision.rationale.slice(0, 2000), price: input.lastPrice, warroomSessionId: sessionId }]);

  let mirror: MirrorResult | null = null;
  if (request.propose && decision.decision !== "HOLD" && decision.quantity && decision.quantity > 0) {
    mirror = await mirrorDecision(deps, {
      source: "warroom",
      warroomSessionId: sessionId,
      idempotencyBase: `warroom-${sessionId}`,
      side: decision.decision,
      ticker: request.ticker,
      quantity: decision.quantity,
      // The chair's SELL is "everything held": each account sells what it holds.
      sellAll: decision.decision === "SELL",
      price: input.lastPrice,
      stopPrice: decision.decision === "BUY" ? (decision.stopPrice?.toFixed() ?? null) : null,
      requestedBy: request.requestedBy,
      rationale: `War Room (confidence ${decision.confidence.toFixed(2)}):\n${decision.rationale}`,
    });
  }
  return { sessionId, ticker: request.ticker, accountId, decision, durationMs, mirror };
}

function timed(run: () => AgentVote): AgentVote & { latencyMs: number } {
  const t = performance.now();
  try {
    return { ...run(), latencyMs: performance.now() - t };
  } catch (error) {
    // One broken agent must not silence the room: it abstains and says why.
    return { ...abstain("agent", `failed: ${error instanceof Error ? error.message : String(error)}`), latencyMs: performance.now() - t };
  }
}

async function withDeadline(agent: SlowAgent, input: WarRoomInput, others: readonly AgentVote[], ms: number): Promise<AgentVote & { latencyMs: number }> {
  const t = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<AgentVote>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(abstain("llm", `no answer within the session deadline (${Math.round(ms)} ms)`));
    }, ms);
  });
  const vote = await Promise.race([agent(input, others, controller.signal).catch((error: unknown) => abstain("llm", `failed: ${String(error)}`)), late]);
  clearTimeout(timer);
  return { ...vote, latencyMs: performance.now() - t };
}

function abstain(agent: string, rationale: string): AgentVote {
  return { agent, vote: "ABSTAIN", confidence: new Dec(0), veto: false, rationale, details: {} };
}
