import type { DeskReader } from "../ports/desk-reader.js";

/**
 * The account operator and War Room orders go to: the desk's oldest account (the shadow account
 * a new install creates). Reports and the kill switch cover every account.
 */
export async function tradingAccount(reader: Pick<DeskReader, "accounts">): Promise<{ id: string; name: string } | undefined> {
  const [first] = await reader.accounts();
  return first ? { id: first.id, name: first.name } : undefined;
}
