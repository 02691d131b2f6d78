import type { Role } from "../../domain/vocabulary.js";

export interface Operator {
  /** Telegram user id. */
  userId: number;
  role: Role;
  displayName: string;
}

/** Who may use the desk: configuration (ADMIN_IDS, TRADER_IDS, VIEWER_IDS) and the operators table. */
export interface OperatorDirectory {
  /** The active operator with this Telegram user id; undefined for everyone else (denied by default). */
  find(userId: number): Promise<Operator | undefined>;
  /** Every active operator, for pushes. */
  all(): Promise<Operator[]>;
  /** The account this operator's trading commands go to when they name none (/use); null when unset. */
  defaultAccount(userId: number): Promise<string | null>;
  /** Sets (or, with null, clears) the operator's default account; kept in PostgreSQL. */
  setDefaultAccount(userId: number, accountId: string | null): Promise<void>;
}
