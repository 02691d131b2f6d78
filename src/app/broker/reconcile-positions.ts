import type { KillSwitchDeps } from "../kill-switch/deps.js";
import { recordBrokerCall } from "../kill-switch/broker-calls.js";
import { haltTrading } from "../kill-switch/halt-trading.js";
import type { Broker } from "../ports/broker.js";
import type { DeskReader } from "../ports/desk-reader.js";

export interface PositionDifference {
  ticker: string;
  desk: number;
  broker: number;
}

export type ReconcileResult =
  | { outcome: "match"; positions: number }
  | { outcome: "mismatch"; differences: PositionDifference[] }
  | { outcome: "broker_unreachable"; detail: string };

/**
 * Compares the broker's positions with the desk's for one live account. Any difference halts
 * the account (trigger manual, actor system:reconciliation, the differences in the details):
 * no new order until an admin has looked and resumed it with the override code. A broker that
 * cannot be asked counts toward api_error; nothing else is concluded from silence.
 */
export async function reconcilePositions(
  deps: { broker: Pick<Broker, "positions">; desk: Pick<DeskReader, "positions">; killSwitch: KillSwitchDeps },
  accountId: string,
): Promise<ReconcileResult> {
  let brokerPositions;
  try {
    brokerPositions = await deps.broker.positions(accountId);
  } catch (error) {
    await recordBrokerCall(deps.killSwitch, accountId, false);
    return { outcome: "broker_unreachable", detail: error instanceof Error ? error.message : String(error) };
  }
  await recordBrokerCall(deps.killSwitch, accountId, true);
  const desk = new Map((await deps.desk.positions(accountId)).map((p) => [p.ticker, p.quantity]));
  const broker = new Map(brokerPositions.filter((p) => p.quantity !== 0).map((p) => [p.ticker, p.quantity]));
  const differences: PositionDifference[] = [];
  for (const ticker of [...new Set([...desk.keys(), ...broker.keys()])].sort()) {
    const d = desk.get(ticker) ?? 0;
    const b = broker.get(ticker) ?? 0;
    if (d !== b) differences.push({ ticker, desk: d, broker: b });
  }
  if (differences.length === 0) return { outcome: "match", positions: desk.size };
  await haltTrading(deps.killSwitch, {
    accountId,
    reason: `broker positions differ from the desk's: ${differences.map((x) => `${x.ticker} desk ${x.desk}, broker ${x.broker}`).join("; ")}`,
    actor: "system:reconciliation",
    details: { differences },
  });
  return { outcome: "mismatch", differences };
}
