import type pg from "pg";

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

/**
 * Runs `call` with a spy on `pool.query` and returns the first statement it issued. The
 * benchmark EXPLAINs exactly the SQL the repository sends, not a copy that could drift from it.
 */
export async function captureFirstQuery(pool: pg.Pool, call: () => Promise<unknown>): Promise<CapturedQuery> {
  type Query = (...args: unknown[]) => unknown;
  const target = pool as unknown as { query: Query };
  const hadOwn = Object.prototype.hasOwnProperty.call(pool, "query");
  const original = target.query;
  let captured: CapturedQuery | undefined;
  target.query = function (this: unknown, ...args: unknown[]) {
    if (!captured) {
      const [first, second] = args;
      if (typeof first === "string") captured = { text: first, values: Array.isArray(second) ? second : [] };
      else if (first && typeof first === "object" && "text" in first) {
        const config = first as { text: string; values?: unknown[] };
        captured = { text: config.text, values: config.values ?? (Array.isArray(second) ? second : []) };
      }
    }
    return original.apply(this, args);
  };
  try {
    await call();
  } finally {
    if (hadOwn) target.query = original;
    else delete (target as { query?: Query }).query;
  }
  if (!captured) throw new Error("the call issued no query through the pool");
  return captured;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the statement with its parameters; one string per plan line. */
export async function explainAnalyze(pool: pg.Pool, query: CapturedQuery): Promise<string[]> {
  const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.text}`, query.values);
  return rows.map((r) => r["QUERY PLAN"]);
}

/**
 * The generic plan (PostgreSQL 16+: EXPLAIN (GENERIC_PLAN)), which is what a named prepared
 * statement may switch to after five executions. Undefined on servers that lack the option.
 */
export async function explainGeneric(pool: pg.Pool, query: CapturedQuery): Promise<string[] | undefined> {
  try {
    const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (GENERIC_PLAN) ${query.text}`);
    return rows.map((r) => r["QUERY PLAN"]);
  } catch {
    return undefined;
  }
}

export function indent(lines: readonly string[], prefix = "    "): string {
  return lines.map((l) => prefix + l).join("\n");
}
