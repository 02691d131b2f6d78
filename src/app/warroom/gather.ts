import { Dec } from "../../domain/decimal.js";
import type { WarRoomInput } from "../../domain/warroom/types.js";
import type { KillSwitchDeps } from "../kill-switch/deps.js";
import type { AccountStore } from "../ports/account-store.js";
import type { NewsStore } from "../ports/news-store.js";
import type { PriceStore } from "../ports/price-store.js";
import type { SignalStore } from "../ports/signal-store.js";
import type { WarRoomStore } from "../ports/warroom-store.js";

export interface GatherDeps {
  store: Pick<WarRoomStore, "dailyCloses">;
  prices: Pick<PriceStore, "latest">;
  news: Pick<NewsStore, "recentForTicker">;
  signals: Pick<SignalStore, "recentForTicker">;
  killSwitch: Pick<KillSwitchDeps, "store" | "snapshots" | "calendar" | "clock" | "thresholds">;
  accounts: Pick<AccountStore, "phaseOf">;
}

/** Closes the trend agent needs (its slow average and RSI), headlines and signals it reads. */
const CLOSES = 120;
const HEADLINES = 30;
const SIGNALS = 20;

/**
 * Everything the agents read, through the indexed queries, in parallel: the ticker's daily
 * closes and newest price, its newest headlines and signals, and the account as the kill switch
 * sees it. Undefined when the account does not exist.
 */
export async function gatherInput(deps: GatherDeps, ticker: string, accountId: string): Promise<WarRoomInput | undefined> {
  const ks = deps.killSwitch;
  const now = ks.clock.now();
  const marketOpen = ks.calendar.isMarketOpen(now);
  const [closes, latest, news, signals, loaded, status, phase] = await Promise.all([
    deps.store.dailyCloses(ticker, CLOSES),
    deps.prices.latest(ticker),
    deps.news.recentForTicker(ticker, HEADLINES),
    deps.signals.recentForTicker(ticker, SIGNALS),
    ks.snapshots.load({ accountId, tradingDay: ks.calendar.tradingDayOf(now), marketOpen, now }),
    ks.store.status(accountId).catch(() => undefined),
    deps.accounts.phaseOf(accountId),
  ]);
  if (!loaded || !phase) return undefined;
  const snap = loaded.snapshot;
  const held = snap.positions.find((p) => p.ticker === ticker);
  const lastPrice = latest?.close ?? null;
  const positionValue = held && lastPrice ? lastPrice.times(held.quantity) : new Dec(0);
  return {
    ticker,
    now,
    closes,
    lastPrice,
    priceTime: latest?.time ?? null,
    news: news.map((n) => ({ title: n.title, summary: n.summary, publishedAt: n.publishedAt, sentiment: n.sentiment })),
    signals: signals.map((s) => ({ signal: s.signal, confidence: s.confidence, source: s.source, createdAt: s.createdAt })),
    account: {
      equity: snap.equity,
      cash: loaded.cash,
      heldQuantity: held?.quantity ?? 0,
      killSwitch: status ? status.state : "UNKNOWN",
      phase: phase.phase,
      mode: phase.mode,
      positionValue,
      concentrationPct: snap.equity.gt(0) ? positionValue.div(snap.equity).times(100).toNumber() : 0,
      ordersToday: snap.ordersToday,
      dailyTradeLimit: ks.thresholds.dailyTradeLimit,
      maxPositionPct: ks.thresholds.concentrationPct,
      staleDataSeconds: ks.thresholds.staleDataSeconds,
      marketOpen,
    },
  };
}
