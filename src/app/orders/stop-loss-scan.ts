import type { Dec } from "../../domain/decimal.js";
import type { StopLossCandidate, StopLossSource } from "../ports/stop-loss-source.js";
import { executeOrder, type ExecutionDeps, type OrderOutcome } from "./execute-order.js";

export type StopLossDeps = ExecutionDeps & { positions: StopLossSource };

export interface StopLossAction {
  accountId: string;
  positionId: string;
  ticker: string;
  quantity: number;
  stopPrice: Dec;
  lastPrice: Dec;
  idempotencyKey: string;
  outcome: OrderOutcome;
}

export interface StopLossScanResult {
  tradingDay: string;
  /** One per stopped position, "duplicate" when this trading day's exit was already sent. */
  actions: StopLossAction[];
  /** Exits that threw (a database or broker error): the scan's caller retries them. */
  failures: { accountId: string; positionId: string; ticker: string; error: string }[];
}

/**
 * Sells every open long whose newest price is at or below its stop, the whole position, at
 * market, through the one order path. The sell only reduces risk, so it goes through while the
 * account is halted. The idempotency key names the position and the trading day: a retried or
 * overlapping scan never sells twice.
 */
export async function scanStopLosses(deps: StopLossDeps, tickers?: readonly string[]): Promise<StopLossScanResult> {
  const { calendar, clock } = deps.killSwitch;
  const tradingDay = calendar.tradingDayOf(clock.now());
  const candidates = await deps.positions.positionsAtOrBelowStop(tickers);
  const result: StopLossScanResult = { tradingDay, actions: [], failures: [] };
  for (const c of candidates) {
    // One exit per holding and trading day: a retried scan never sells twice, a reopened position gets its own exit.
    const idempotencyKey = `stop-${c.positionId}-${c.openedAt.getTime()}-${tradingDay}`;
    try {
      const outcome = await executeOrder(deps, {
        accountId: c.accountId,
        idempotencyKey,
        source: "stop-loss",
        side: "SELL",
        ticker: c.ticker,
        quantity: c.quantity,
        requestedBy: "system:stop-loss",
      });
      result.actions.push({ accountId: c.accountId, positionId: c.positionId, ticker: c.ticker, quantity: c.quantity, stopPrice: c.stopPrice, lastPrice: c.lastPrice, idempotencyKey, outcome });
      // A duplicate was reported when it was sent.
      if (outcome.status !== "duplicate") await alert(deps, c, describeOutcome(outcome));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.failures.push({ accountId: c.accountId, positionId: c.positionId, ticker: c.ticker, error: message });
      await alert(deps, c, `the exit failed and will be retried: ${message}`);
    }
  }
  return result;
}

async function alert(deps: StopLossDeps, c: StopLossCandidate, outcome: string): Promise<void> {
  await deps.killSwitch.notifier.notify({
    kind: "stop_loss",
    accountId: c.accountId,
    accountName: c.accountName,
    title: `STOP-LOSS ${c.ticker}: last ${c.lastPrice.toFixed(2)} at or below stop ${c.stopPrice.toFixed(2)}`,
    lines: [`selling ${c.quantity} ${c.ticker} at market`, outcome],
    at: deps.killSwitch.clock.now(),
  });
}

function describeOutcome(outcome: OrderOutcome): string {
  switch (outcome.status) {
    case "filled":
    case "partially_filled":
      return `${outcome.status.replace("_", " ")}: ${outcome.fills.map((f) => `${f.quantity} @ ${f.price.toFixed(2)}`).join(", ")}`;
    case "resting":
      return "the sell is working at the broker";
    case "refused":
      return `refused: ${outcome.refusals.map((r) => r.message).join("; ")}`;
    case "invalid":
      return `invalid: ${outcome.errors.join("; ")}`;
    case "rejected":
      return `rejected by the broker: ${outcome.reason}`;
    case "unknown":
      return `the broker's answer is unclear, to reconcile: ${outcome.detail}`;
    case "duplicate":
      return "already sent today";
  }
  return "unexpected outcome";
}
