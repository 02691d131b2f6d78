import { withUnit, type Reading } from "../../../domain/kill-switch/triggers.js";
import { code, esc } from "./html.js";

/** One trigger reading against its threshold: "✅ daily_loss -1.20% (limit -5%, headroom 3.80)". */
export function renderReading(r: Reading): string {
  const detail = r.detail ? ` — ${esc(r.detail)}` : "";
  return `${r.fired ? "🔴" : "🟢"} ${code(r.trigger)} ${esc(withUnit(r.value, r.unit))} (limit ${esc(withUnit(r.threshold, r.unit))}, headroom ${esc(r.headroom)})${detail}`;
}
