export type AlertKind = "halted" | "resumed" | "trigger_fired" | "resume_refused" | "resume_locked" | "fill" | "stop_loss";

/** A message for every admin. Plain data: each transport (log, Telegram) renders it its own way. */
export interface Alert {
  kind: AlertKind;
  accountId: string;
  accountName: string;
  title: string;
  lines: string[];
  at: Date;
}

export interface Notifier {
  /** Pushes the alert to every admin at once. Must not throw: a failed push is logged, never blocks a halt. */
  notifyAdmins(alert: Alert): Promise<void>;
}
