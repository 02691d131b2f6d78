import type { AccountMode, Phase } from "../../domain/vocabulary.js";

/**
 * Which account a trading command addresses (issue 14). In order: the account the operator
 * named (`@name`), else the operator's default (`/use NAME`) when it could be meant, else the
 * only account that could be meant. More than one candidate and nothing chosen: ask, never
 * guess. A default that can no longer be meant is not dropped silently for another account:
 * the operator is asked, and told why.
 */

/** What the choice needs to know of an account; callers pass their richer rows through unchanged. */
export interface ChoosableAccount {
  id: string;
  name: string;
  mode: AccountMode;
  phase: Phase;
}

export interface ChooseAccountInput<A extends ChoosableAccount> {
  /** Every account of the desk, oldest first. */
  accounts: readonly A[];
  /** The `@name` word without its "@", when the operator typed one. */
  explicit?: string | null;
  /** The operator's default account id (`/use`), if any. */
  defaultAccountId?: string | null;
  /** Which accounts the command could be meant for (e.g. trading in its phase, holding the ticker); all when omitted. */
  eligible?: (account: A) => boolean;
}

export type AccountResolution<A extends ChoosableAccount> =
  /** `by` says why: the operator named it, it is their default, or it is the only account that could be meant. */
  | { kind: "chosen"; account: A; by: "explicit" | "default" | "only" }
  /** More than one account could be meant (or the default cannot): ask among `candidates`. */
  | { kind: "ask"; candidates: A[]; ineligibleDefault: A | null }
  /** No account could be meant at all. */
  | { kind: "none"; ineligibleDefault: A | null }
  /** The `@name` matches no account: `names` are the accounts there are. */
  | { kind: "unknown"; token: string; names: string[] };

/** An id prefix must be this long to address an account: shorter ones are too easy to mistype into another. */
export const MIN_ID_PREFIX = 4;

/**
 * The account a token names: its name, case-insensitively, or else a prefix of its id of at
 * least MIN_ID_PREFIX hex characters that no other account shares. Undefined otherwise.
 */
export function findAccount<A extends ChoosableAccount>(accounts: readonly A[], token: string): A | undefined {
  const wanted = token.trim().replace(/^@/, "").toLowerCase();
  if (wanted === "") return undefined;
  const byName = accounts.find((a) => a.name.toLowerCase() === wanted);
  if (byName) return byName;
  if (wanted.length < MIN_ID_PREFIX || !/^[0-9a-f-]+$/.test(wanted)) return undefined;
  const byId = accounts.filter((a) => a.id.toLowerCase().startsWith(wanted));
  return byId.length === 1 ? byId[0] : undefined;
}

export function chooseAccount<A extends ChoosableAccount>(input: ChooseAccountInput<A>): AccountResolution<A> {
  const { accounts } = input;
  const eligible = input.eligible ?? (() => true);
  if (input.explicit !== undefined && input.explicit !== null) {
    const named = findAccount(accounts, input.explicit);
    // A named account is taken as named, even one the command may then refuse (a halted
    // account, no position there): the command says why, rather than acting on another.
    if (named) return { kind: "chosen", account: named, by: "explicit" };
    return { kind: "unknown", token: input.explicit, names: accounts.map((a) => a.name) };
  }
  const candidates = accounts.filter((a) => eligible(a));
  const fallback = input.defaultAccountId ? accounts.find((a) => a.id === input.defaultAccountId) : undefined;
  if (fallback && candidates.includes(fallback)) return { kind: "chosen", account: fallback, by: "default" };
  const ineligibleDefault = fallback ?? null;
  if (candidates.length === 0) return { kind: "none", ineligibleDefault };
  // With a default that cannot be meant, even a single candidate is asked about: the operator
  // chose another account, so acting on this one would be a guess.
  if (candidates.length === 1 && !ineligibleDefault) return { kind: "chosen", account: candidates[0]!, by: "only" };
  return { kind: "ask", candidates, ineligibleDefault };
}
