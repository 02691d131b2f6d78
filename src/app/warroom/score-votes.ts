import type { Dec } from "../../domain/decimal.js";
import { DEFAULT_SCORING, judgeVote, type ScoringPolicy } from "../../domain/warroom/track-record.js";
import type { MarketCalendar } from "../../domain/market-calendar.js";
import type { Clock } from "../ports/clock.js";
import type { WarRoomStore } from "../ports/warroom-store.js";

export { DEFAULT_SCORING, type ScoringPolicy };

/**
 * Judges every vote whose horizon has closed: BUY is right when the price rose, SELL when it
 * fell, HOLD when it stayed within the flat band. ABSTAIN is recorded as scored but neither
 * right nor wrong. A vote without prices to judge it by is scored with no verdict, once.
 */
export async function scoreVotes(deps: { store: WarRoomStore; calendar: MarketCalendar; clock: Clock }, policy: ScoringPolicy = DEFAULT_SCORING): Promise<{ scored: number; pending: number }> {
  const now = deps.clock.now();
  const candidates = await deps.store.unscored(new Date(now.getTime() - policy.horizonDays * 86_400_000), 500);
  const results: { voteId: string; realizedMovePct: Dec | null; correct: boolean | null }[] = [];
  let pending = 0;
  for (const v of candidates) {
    let day = deps.calendar.tradingDayOf(v.sessionAt);
    for (let i = 0; i < policy.horizonDays; i += 1) day = deps.calendar.nextTradingDay(day);
    const close = deps.calendar.session(day)?.close;
    if (!close || close > now) {
      pending += 1;
      continue;
    }
    const [before, after] = await Promise.all([deps.store.closeAt(v.ticker, v.sessionAt), deps.store.closeAt(v.ticker, close)]);
    const judged = judgeVote(v.vote, before ?? null, after ?? null, policy.flatPct);
    results.push({ voteId: v.voteId, realizedMovePct: judged.movePct, correct: judged.correct });
  }
  return { scored: await deps.store.score(results, now), pending };
}
