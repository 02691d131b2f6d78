import type { SnapshotKind } from "../../domain/vocabulary.js";

export interface EquityMarkStore {
  /**
   * Writes one equity mark per account: cash plus positions at their newest prices (an unpriced
   * position at cost). End-of-day marks are written once per account and trading day.
   * Returns how many marks were written.
   */
  markAll(kind: Exclude<SnapshotKind, "start_of_day">, tradingDay: string, at: Date): Promise<number>;
}
