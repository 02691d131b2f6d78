import type { AccountMode, Role } from "../../domain/vocabulary.js";

export type AlertKind = "halted" | "resumed" | "trigger_fired" | "resume_refused" | "resume_locked" | "fill" | "stop_loss" | "stale_data" | "signal" | "desk_health" | "promotion" | "test_alert";

/** A pushed message. Plain data: each transport (log, Telegram) renders it its own way. */
export interface Alert {
  kind: AlertKind;
  accountId: string;
  accountName: string;
  /** A live account's alerts say so: real money is at stake. Absent reads as paper. */
  accountMode?: AccountMode;
  title: string;
  lines: string[];
  at: Date;
}

export interface Notifier {
  /** Pushes the alert to every operator of its audience at once. Must not throw: a failed push is logged, never blocks a halt. */
  notify(alert: Alert): Promise<void>;
}

export type Delivery = { delivered: true } | { delivered: false; error: string };

/** One push to one operator, with its outcome: how the live-prep checklist learns an alert reached each admin. */
export interface AlertDelivery {
  deliver(userId: number, alert: Alert): Promise<Delivery>;
}

/**
 * Who is told what. Halts and resumes reach every operator (viewers included: everyone should
 * know trading stopped; admins are among them, as DESIGN section 3 asks); resume refusals and
 * lockouts are for the admins who can act on them; fills, stop-loss exits and stale data are
 * for the traders (admins included).
 */
export function audienceOf(kind: AlertKind): Role {
  switch (kind) {
    case "halted":
    case "resumed":
    case "trigger_fired":
      return "viewer";
    case "resume_refused":
    case "resume_locked":
    case "desk_health":
    case "promotion":
    case "test_alert":
      return "admin";
    case "fill":
    case "stop_loss":
    case "stale_data":
    case "signal":
      return "trader";
  }
}
