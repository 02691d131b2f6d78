import type { AgentVote, WarRoomInput } from "../types.js";
import { riskAgent, type RiskOptions } from "./risk.js";
import { sentimentAgent, type SentimentOptions } from "./sentiment.js";
import { signalsAgent, type SignalsOptions } from "./signals.js";
import { trendAgent, type TrendOptions } from "./trend.js";

export { RISK_AGENT, RISK_DEFAULTS, riskAgent, type RiskOptions } from "./risk.js";
export { SENTIMENT_AGENT, SENTIMENT_DEFAULTS, scoreText, sentimentAgent, type SentimentOptions } from "./sentiment.js";
export { SIGNALS_AGENT, SIGNALS_DEFAULTS, signalsAgent, type SignalsOptions } from "./signals.js";
export { TREND_AGENT, TREND_DEFAULTS, trendAgent, type TrendOptions } from "./trend.js";

export interface AgentOptions {
  trend?: Partial<TrendOptions>;
  sentiment?: Partial<SentimentOptions>;
  signals?: Partial<SignalsOptions>;
  risk?: Partial<RiskOptions>;
}

/** The pure agents' votes on one input, in a fixed order: trend, sentiment, signals, risk. */
export function runAgents(input: WarRoomInput, options: AgentOptions = {}): AgentVote[] {
  return [trendAgent(input, options.trend), sentimentAgent(input, options.sentiment), signalsAgent(input, options.signals), riskAgent(input, options.risk)];
}
