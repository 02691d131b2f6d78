import { AccountRepository } from "../adapters/db/repositories/account-repository.js";
import { DeskReaderRepository } from "../adapters/db/repositories/desk-reader-repository.js";
import { MirrorRepository } from "../adapters/db/repositories/mirror-repository.js";
import { NewsRepository } from "../adapters/db/repositories/news-repository.js";
import { PriceRepository } from "../adapters/db/repositories/price-repository.js";
import { SignalRepository } from "../adapters/db/repositories/signal-repository.js";
import { WarRoomRepository } from "../adapters/db/repositories/warroom-repository.js";
import { createLlmAgent } from "../adapters/llm/llm-agent.js";
import type { ProposalBoard } from "../app/ports/proposal-board.js";
import type { WarRoomDeps } from "../app/warroom/session.js";
import { DEFAULT_RISK_FRACTION, DEFAULT_THRESHOLDS } from "../domain/warroom/chair.js";
import { MIN_SCORED_FOR_WEIGHT } from "../domain/warroom/track-record.js";
import type { Desk } from "./desk.js";

/**
 * The War Room on this process's connections. Prices, news and signals are read through the
 * TTL query cache (never the kill switch or the account: those are read fresh). The LLM agent
 * joins only when LLM_BASE_URL is set.
 */
export function buildWarRoomDeps(desk: Pick<Desk, "config" | "dataSource" | "cache" | "killSwitch" | "approvals">, board: ProposalBoard): WarRoomDeps {
  const { config, dataSource, cache } = desk;
  const llm = config.llm.baseUrl
    ? createLlmAgent({ baseUrl: config.llm.baseUrl, model: config.llm.model, timeoutMs: config.llm.timeoutMs, ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}) })
    : undefined;
  return {
    store: new WarRoomRepository(dataSource, config.risk.marketTimezone),
    prices: new PriceRepository(dataSource),
    news: new NewsRepository(dataSource, cache),
    signals: new SignalRepository(dataSource, cache),
    killSwitch: desk.killSwitch,
    accounts: new AccountRepository(dataSource),
    approvals: desk.approvals,
    board,
    mirrors: new MirrorRepository(dataSource),
    reader: new DeskReaderRepository(dataSource),
    llm,
    settings: { deadlineMs: config.warroom.deadlineMs, riskFraction: DEFAULT_RISK_FRACTION, act: DEFAULT_THRESHOLDS.act, defaultStopPct: config.risk.defaultStopLossPct, minScoredForWeight: MIN_SCORED_FOR_WEIGHT, maxPositionPct: config.warroom.maxPositionPct },
  };
}
