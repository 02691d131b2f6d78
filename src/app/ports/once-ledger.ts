/** Remembers that something was done, so a warning is pushed once rather than every minute. */
export interface OnceLedger {
  /** true the first time `key` is seen (within the ledger's memory); false afterwards. */
  first(key: string): Promise<boolean>;
}
