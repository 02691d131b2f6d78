import type pg from "pg";
import { SCHEMA_TABLES } from "./format.js";

export interface CatalogTable {
  name: string;
  /** Partitioned tables cannot be COPY'd directly; their rows are read through a SELECT. */
  partitioned: boolean;
  /** Stored columns in table order (generated columns are computed again on load). */
  columns: { name: string; type: string }[];
  /** Columns whose default draws on a sequence (identity or serial), with that sequence. */
  sequences: { column: string; sequence: string }[];
}

/**
 * The desk's tables as the database catalog lists them (every table in the public schema but
 * TypeORM's own), ordered so that a table comes after every table it references: loading in this
 * order satisfies each foreign key as rows arrive.
 */
export async function readCatalog(client: pg.ClientBase): Promise<CatalogTable[]> {
  const desk = (await listTables(client)).filter((t) => !SCHEMA_TABLES.has(t.name));
  const { rows: columns } = await client.query<{ table: number; name: string; type: string; sequence: string | null }>(
    `SELECT a.attrelid AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) AS sequence
       FROM pg_attribute a
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attrelid, a.attnum`,
    [desk.map((t) => t.oid)],
  );
  const { rows: references } = await client.query<{ child: number; parent: number }>(
    `SELECT DISTINCT conrelid AS child, confrelid AS parent FROM pg_constraint
      WHERE contype = 'f' AND conrelid = ANY($1::oid[]) AND confrelid = ANY($1::oid[]) AND conrelid <> confrelid`,
    [desk.map((t) => t.oid)],
  );
  const byOid = new Map<number, CatalogTable>(desk.map((t) => [t.oid, { name: t.name, partitioned: t.kind === "p", columns: [], sequences: [] }]));
  for (const column of columns) {
    const table = byOid.get(column.table)!;
    table.columns.push({ name: column.name, type: column.type });
    if (column.sequence) table.sequences.push({ column: column.name, sequence: column.sequence });
  }
  return orderByReferences(
    [...byOid.entries()].map(([oid, table]) => ({ oid, table })),
    references,
  );
}

/** Parents first (Kahn's algorithm, by name among equals so the order is stable from run to run). */
function orderByReferences(nodes: { oid: number; table: CatalogTable }[], edges: { child: number; parent: number }[]): CatalogTable[] {
  const waitingOn = new Map(nodes.map((n) => [n.oid, new Set<number>()]));
  for (const edge of edges) waitingOn.get(edge.child)?.add(edge.parent);
  const ordered: CatalogTable[] = [];
  const left = new Map(nodes.map((n) => [n.oid, n.table]));
  while (left.size > 0) {
    const ready = [...left.entries()].filter(([oid]) => [...waitingOn.get(oid)!].every((parent) => !left.has(parent)));
    if (ready.length === 0) {
      throw new Error(`the foreign keys between ${[...left.values()].map((t) => t.name).join(", ")} form a cycle: no load order exists`);
    }
    ready.sort(([, a], [, b]) => (a.name < b.name ? -1 : 1));
    for (const [oid, table] of ready) {
      ordered.push(table);
      left.delete(oid);
    }
  }
  return ordered;
}

/** Every table in the public schema, TypeORM's own included (what a restore replaces). */
export async function publicTables(client: pg.ClientBase): Promise<string[]> {
  return (await listTables(client)).map((t) => t.name);
}

/** The public schema's tables (partitions aside: they go with their parent), by name. */
async function listTables(client: pg.ClientBase): Promise<{ oid: number; name: string; kind: string }[]> {
  const { rows } = await client.query<{ oid: number; name: string; kind: string }>(
    `SELECT c.oid, c.relname AS name, c.relkind AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  return rows;
}
