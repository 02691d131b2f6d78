import type { Dec } from "../../domain/decimal.js";
import { formatMoney } from "../../domain/format.js";
import { reconcileBroker, type HeldShares, type Reconciliation } from "../../domain/live-prep-checklist.js";
import { PHASE_LIMITS } from "../../domain/risk/phase-limits.js";
import type { Clock } from "../ports/clock.js";
import type { DeskReader } from "../ports/desk-reader.js";
import type { LivePrepStore } from "../ports/live-prep-store.js";

/**
 * The read-only look at the live broker before real money (`npm run kis:check`, `/phase check`):
 * a token and a quote, the positions, the USD cash; then the broker against the desk's book.
 * It places and cancels nothing. With the desk's database at hand it records what it saw as
 * live-prep evidence (`broker_check`, `broker_reconciled`) for the checklist.
 */

/** What the check reads from the broker; errors carry the operator's text as their message. */
export interface BrokerProbe {
  /** The broker and its environment, as the evidence names it: "kis:real". */
  label: string;
  quote(ticker: string): Promise<{ price: Dec } | undefined>;
  positions(): Promise<HeldShares[]>;
  /**
   * The USD the broker lets the account use (KIS: inquire-psamount for a BUY of `ticker`); absent
   * where the adapter cannot read it (the reconciliation then fails, saying so).
   */
  cash?(ticker: string): Promise<Dec>;
}

export interface BrokerCheckDeps {
  probe: BrokerProbe;
  clock: Clock;
  /** The desk's records: absent for `kis:check` without DATABASE_URL (nothing recorded, nothing reconciled). */
  desk?: { store: Pick<LivePrepStore, "recordEvidence" | "liveAccount">; reader: Pick<DeskReader, "positions"> };
}

export interface CheckStep {
  name: string;
  ok: boolean;
  text: string;
}

export interface BrokerCheckResult {
  /** Each step in order; the check stops at the first failure (without a token nothing else answers). */
  steps: CheckStep[];
  passed: boolean;
  /** One line: what passed, or the step that failed and why. */
  summary: string;
  /** Null when the broker could not be read, or without the desk's records. */
  reconciliation: Reconciliation | null;
  cash: Dec | null;
  recorded: boolean;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The capital the live account enters with (micro): the broker's cash must cover it. */
const FIRST_LIVE_PHASE = "micro" as const;

export async function runBrokerCheck(deps: BrokerCheckDeps, request: { actor: string; ticker: string }): Promise<BrokerCheckResult> {
  const { probe } = deps;
  const steps: CheckStep[] = [];
  let held: HeldShares[] | undefined;
  let cash: Dec | null = null;
  const plan: [string, () => Promise<string>][] = [
    [`token and quote ${request.ticker}`, async () => {
      const q = await probe.quote(request.ticker);
      if (!q) throw new Error("no price (is the ticker's exchange right?)");
      return `last ${q.price.toFixed(2)}`;
    }],
    ["positions", async () => {
      held = await probe.positions();
      return held.length ? held.map((p) => `${p.ticker} ${p.quantity}`).join(", ") : "none";
    }],
  ];
  if (probe.cash) {
    const read = probe.cash.bind(probe);
    plan.push(["USD cash (buying power)", async () => {
      cash = await read(request.ticker);
      return `$${formatMoney(cash)}`;
    }]);
  }
  for (const [name, run] of plan) {
    try {
      steps.push({ name, ok: true, text: await run() });
    } catch (error) {
      steps.push({ name, ok: false, text: describe(error) });
      break;
    }
  }
  const failed = steps.find((s) => !s.ok);
  const summary = failed ? `${failed.name}: ${failed.text}` : steps.map((s) => `${s.name}: ${s.text}`).join("; ");
  const result: BrokerCheckResult = { steps, passed: !failed, summary, reconciliation: null, cash, recorded: false };
  if (!deps.desk) return result;

  const at = deps.clock.now();
  const { store, reader } = deps.desk;
  await store.recordEvidence({ kind: "broker_check", passed: result.passed, subject: probe.label, summary, details: { steps }, actor: request.actor, at });
  if (held) {
    const live = await store.liveAccount("kis");
    const book = live ? { accountName: live.name, positions: (await reader.positions(live.id)).map((p) => ({ ticker: p.ticker, quantity: p.quantity })) } : null;
    const requiredCash = PHASE_LIMITS[FIRST_LIVE_PHASE].capital!;
    result.reconciliation = reconcileBroker({ broker: held, book, cash: result.cash, requiredCash, requiredFor: FIRST_LIVE_PHASE });
    await store.recordEvidence({
      kind: "broker_reconciled",
      passed: result.reconciliation.passed,
      subject: probe.label,
      summary: result.reconciliation.summary,
      details: { cash: result.cash?.toFixed() ?? null, positions: held, book: book?.accountName ?? null, mismatches: result.reconciliation.mismatches },
      actor: request.actor,
      at,
    });
  }
  result.recorded = true;
  return result;
}
