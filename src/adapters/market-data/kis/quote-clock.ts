import type { Dec } from "../../../domain/decimal.js";

/**
 * When a KIS quote was true. The price quotation (HHDFS00000300) carries no time: its fields
 * are rsym, zdiv, base, pvol, last, sign, diff, rate, tvol, tamt, ordy. Stamping the poll's own
 * time would make a frozen quote (a halt, a dead feed) look fresh for ever, so the time is
 * derived from what changed between polls, never later than the truth:
 *  - last and tvol both unchanged: the same trade as before, so the previous time stays and the
 *    quote ages like the trade does;
 *  - last or tvol moved: a trade happened after the previous poll (that poll would have seen it
 *    otherwise), so the previous poll's time is the latest time known to be no later than it;
 *  - first sight, or a previous poll too long ago to bound anything (`maxGapMs`, e.g. across a
 *    night): unknown. The poller then reports nothing for the ticker until the next poll.
 */
export class QuoteClock {
  private readonly seen = new Map<string, { last: string; tvol: string; time: Date | undefined; polledAt: Date }>();

  /** @param maxGapMs a previous poll older than this says nothing about when the trade happened (default 5 minutes). */
  constructor(private readonly maxGapMs = 5 * 60_000) {}

  /** The time the quote is known to be true for (no later than the trade), or undefined when unknown. */
  stamp(ticker: string, last: Dec, tvol: bigint | undefined, polledAt: Date): Date | undefined {
    const prev = this.seen.get(ticker);
    const now = { last: last.toString(), tvol: tvol === undefined ? "" : tvol.toString() };
    let time: Date | undefined;
    if (prev && prev.polledAt.getTime() > polledAt.getTime()) return prev.last === now.last && prev.tvol === now.tvol ? prev.time : undefined;
    if (!prev) time = undefined;
    else if (prev.last === now.last && prev.tvol === now.tvol) time = prev.time;
    else if (polledAt.getTime() - prev.polledAt.getTime() > this.maxGapMs) time = undefined;
    else time = prev.polledAt;
    this.seen.set(ticker, { ...now, time, polledAt });
    return time;
  }
}
