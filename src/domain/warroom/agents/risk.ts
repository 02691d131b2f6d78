import { Dec } from "../../decimal.js";
import { limitsFor } from "../../risk/phase-limits.js";
import type { Side } from "../../vocabulary.js";
import type { AgentVote, Veto, WarRoomInput } from "../types.js";
import { toConfidence } from "./common.js";

/**
 * Risk agent: the desk's hard rules, as vetoes. It never votes to trade (always HOLD) and
 * forbids a trade when a rule says so:
 *
 * - kill switch not ACTIVE (UNKNOWN counts as halted) — forbids BUY and SELL;
 * - the phase places no orders (live-prep) — BUY only;
 * - the ticker already at or over `maxPositionPct` of equity, or equity not positive — BUY only;
 * - `dailyTradeLimit` orders already today — BUY and SELL;
 * - no last price — BUY and SELL;
 * - a last price older than `staleDataSeconds`, or with no time, while the market is open (or
 *   when the input does not say) — BUY and SELL.
 *
 * Selling shares the account holds only reduces exposure, so the phase and concentration rules
 * do not stand in its way; the chair applies each veto to the sides it names. The pre-trade
 * check still runs on whatever order the session places.
 */

export interface RiskOptions {
  /** KS_STALE_DATA_SECONDS. */
  staleDataSeconds: number;
}

export const RISK_DEFAULTS: Readonly<RiskOptions> = { staleDataSeconds: 300 };

export const RISK_AGENT = "risk";

const BOTH: readonly Side[] = ["BUY", "SELL"];
const BUY_ONLY: readonly Side[] = ["BUY"];

export function riskAgent(input: WarRoomInput, options: Partial<RiskOptions> = {}): AgentVote {
  // The account's configured limit (KS_STALE_DATA_SECONDS) unless the caller names one.
  const o: RiskOptions = { ...RISK_DEFAULTS, staleDataSeconds: input.account.staleDataSeconds ?? RISK_DEFAULTS.staleDataSeconds, ...options };
  const a = input.account;
  const vetoes: Veto[] = [];
  const checked: string[] = [];

  if (a.killSwitch === "ACTIVE") checked.push("kill switch ACTIVE");
  else vetoes.push({ rule: "kill_switch", sides: BOTH, reason: a.killSwitch === "HALTED" ? "trading is halted" : "the kill-switch state is unknown (treated as halted)" });

  if (limitsFor(a.mode, a.phase).trading) checked.push(`phase ${a.phase} trades`);
  else vetoes.push({ rule: "phase_no_trading", sides: BUY_ONLY, reason: `phase ${a.phase} places no orders` });

  // The larger of the reported share and the one the figures give: fail closed if they disagree.
  if (a.equity.lte(0)) {
    vetoes.push({ rule: "concentration", sides: BUY_ONLY, reason: "equity is not positive" });
  } else {
    const computed = a.positionValue.div(a.equity).times(100);
    const share = Dec.max(computed, Number.isFinite(a.concentrationPct) ? new Dec(a.concentrationPct) : new Dec(Infinity));
    // Rounded toward the side of the line it is on, so 19.996% under a 20% limit never reads "20.00% < 20%".
    const over = share.gte(a.maxPositionPct);
    const text = `${input.ticker} ${share.toDecimalPlaces(2, over ? Dec.ROUND_UP : Dec.ROUND_DOWN).toFixed(2)}% of equity`;
    if (over) vetoes.push({ rule: "concentration", sides: BUY_ONLY, reason: `${text}, at or over the ${a.maxPositionPct}% limit` });
    else checked.push(`${text} < ${a.maxPositionPct}%`);
  }

  if (a.ordersToday >= a.dailyTradeLimit) vetoes.push({ rule: "daily_trade_limit", sides: BOTH, reason: `${a.ordersToday} orders today, limit ${a.dailyTradeLimit}` });
  else checked.push(`${a.ordersToday}/${a.dailyTradeLimit} orders today`);

  let priceAgeSeconds: number | null = null;
  if (!input.lastPrice || !input.lastPrice.gt(0)) {
    vetoes.push({ rule: "no_price", sides: BOTH, reason: `no price for ${input.ticker}` });
  } else if (a.marketOpen === false) {
    checked.push("market closed: price age not held to the limit");
  } else if (!input.priceTime) {
    vetoes.push({ rule: "stale_price", sides: BOTH, reason: `the ${input.ticker} price has no time` });
  } else {
    priceAgeSeconds = Math.max(0, Math.round((input.now.getTime() - input.priceTime.getTime()) / 1000));
    if (priceAgeSeconds > o.staleDataSeconds) vetoes.push({ rule: "stale_price", sides: BOTH, reason: `the ${input.ticker} price is ${priceAgeSeconds} s old (limit ${o.staleDataSeconds} s)` });
    else checked.push(`price ${priceAgeSeconds} s old (limit ${o.staleDataSeconds} s)`);
  }

  const details = { checked, vetoes: vetoes.map((v) => ({ rule: v.rule, sides: [...v.sides], reason: v.reason })), priceAgeSeconds, heldQuantity: a.heldQuantity };
  const passed = checked.length > 0 ? `checked ${checked.join("; ")}` : "";
  if (vetoes.length === 0) {
    return { agent: RISK_AGENT, vote: "HOLD", confidence: toConfidence(1), veto: false, vetoes: [], rationale: `${passed}: no veto`, details };
  }
  const vetoText = vetoes.map((v) => `${v.rule} (${v.sides.join("/")}): ${v.reason}`).join("; ");
  return { agent: RISK_AGENT, vote: "HOLD", confidence: toConfidence(1), veto: true, vetoes, rationale: `VETO ${vetoText}${passed ? `; ${passed}` : ""}`, details };
}
