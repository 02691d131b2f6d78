import { Table, type DataSource } from "typeorm";
import { beforeAll, describe, expect, it } from "vitest";
import { OperatorRepository } from "../../src/adapters/db/repositories/operator-repository.js";
import { useTestDatabase, type TestDatabase } from "../support/database.js";

// Two databases cloned from the migrated template: one is compared as the migrations left it,
// the other is altered to prove that the comparison sees a change.
const migrated = useTestDatabase();
const altered = useTestDatabase();

/** TypeORM's own tables, which no entity describes. */
const TYPEORM_TABLES = ["migrations", "typeorm_metadata"];

/**
 * TypeORM reads a generated column's expression from its bookkeeping table `typeorm_metadata`.
 * Running the migrations creates that table (empty), but TypeORM fills it only when it creates
 * a generated column itself, and our migrations write fills' amounts in SQL. Record there
 * PostgreSQL's own text of each expression, as information_schema gives it: the entity's
 * `asExpression` must then equal what the database actually computes, character for character.
 * (The table is created here too, through TypeORM's QueryRunner, should it not exist.)
 */
async function recordGeneratedExpressions(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.createTable(
      new Table({
        name: dataSource.metadataTableName,
        columns: [
          { name: "type", type: "varchar", isNullable: false },
          ...["database", "schema", "table", "name"].map((name) => ({ name, type: "varchar", isNullable: true })),
          { name: "value", type: "text", isNullable: true },
        ],
      }),
      true,
    );
    await runner.query(
      `INSERT INTO ${dataSource.metadataTableName} (type, database, schema, "table", name, value)
       SELECT 'GENERATED_COLUMN', current_database(), table_schema, table_name, column_name, generation_expression
       FROM information_schema.columns WHERE table_schema = 'public' AND is_generated = 'ALWAYS'`,
    );
  } finally {
    await runner.release();
  }
}

/**
 * What TypeORM cannot describe, each by its exact statement. news_article_tickers has no primary
 * key on purpose (its one unique index is its key, see the initial migration), but TypeORM
 * requires every entity to have primary columns; the entity names (article_id, ticker), which
 * that unique index makes unique, and TypeORM would add a primary key for them.
 */
const KNOWN_GAPS = [`ALTER TABLE "news_article_tickers" ADD CONSTRAINT "PK_830c14a560de5bcde81e268962e" PRIMARY KEY ("article_id", "ticker")`];

/** The statements TypeORM's schema builder would run to make the database match the entities. */
async function schemaBuilderQueries(db: TestDatabase): Promise<string[]> {
  const sql = await db.dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

async function pendingChanges(db: TestDatabase): Promise<string[]> {
  return (await schemaBuilderQueries(db)).filter((q) => !KNOWN_GAPS.includes(q));
}

/** CHECK constraints and partial-index predicates as the entities state them and as PostgreSQL prints them. */
async function ruleTexts(db: TestDatabase): Promise<{ described: string[]; inDatabase: string[] }> {
  const checks: { table: string; name: string; definition: string }[] = await db.dataSource.query(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
     FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`,
  );
  const predicates: { table: string; name: string; predicate: string }[] = await db.dataSource.query(
    `SELECT c.relname AS table, i.indexrelid::regclass::text AS name, pg_get_expr(i.indpred, i.indrelid) AS predicate
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'public'::regnamespace AND i.indpred IS NOT NULL`,
  );
  const metadatas = db.dataSource.entityMetadatas;
  return {
    described: [
      ...metadatas.flatMap((m) => m.checks.map((c) => `${m.tableName}.${c.name}: CHECK (${c.expression})`)),
      ...metadatas.flatMap((m) => m.indices.filter((i) => i.where).map((i) => `${m.tableName}.${i.name}: WHERE ${i.where}`)),
    ].sort(),
    inDatabase: [
      ...checks.map((c) => `${c.table}.${c.name}: ${c.definition}`),
      ...predicates.map((p) => `${p.table}.${p.name}: WHERE ${p.predicate}`),
    ].sort(),
  };
}

describe("schema drift: the entities describe the tables the migrations create", () => {
  beforeAll(async () => {
    await recordGeneratedExpressions(migrated.dataSource);
    await recordGeneratedExpressions(altered.dataSource);
  });

  it("TypeORM's schema builder finds nothing to change", async () => {
    const changes = await pendingChanges(migrated);
    expect(changes, `the entities and the migrations disagree:\n${changes.join(";\n")}`).toEqual([]);
  });

  it("lists only gaps that still exist", async () => {
    expect(await schemaBuilderQueries(migrated)).toEqual(expect.arrayContaining(KNOWN_GAPS));
  });

  it("every table has an entity", async () => {
    const rows: { table_name: string }[] = await migrated.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const tables = rows.map((r) => r.table_name).filter((t) => !TYPEORM_TABLES.includes(t)).sort();
    const mapped = migrated.dataSource.entityMetadatas.map((m) => m.tableName).sort();
    expect(mapped).toEqual(tables);
  });

  // TypeORM's diff matches CHECK constraints and index predicates by name only: compare their
  // text with PostgreSQL's own, so that an entity cannot keep a name with another rule.
  it("every CHECK constraint and partial-index predicate is the database's, word for word", async () => {
    const checks = await ruleTexts(migrated);
    expect(checks.described).toEqual(checks.inDatabase);
  });

  it("sees a column, an index and a CHECK rule that differ from their entity", async () => {
    await altered.dataSource.query(`ALTER TABLE order_refusals ALTER COLUMN ticker DROP NOT NULL`);
    await altered.dataSource.query(`DROP INDEX order_refusals_recent`);
    await altered.dataSource.query(`ALTER TABLE order_refusals DROP CONSTRAINT order_refusals_codes_check, ADD CONSTRAINT order_refusals_codes_check CHECK (cardinality(codes) >= 0)`);
    const changes = await pendingChanges(altered);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ALTER TABLE "order_refusals" ALTER COLUMN "ticker" SET NOT NULL/),
        expect.stringMatching(/CREATE INDEX "order_refusals_recent"/),
      ]),
    );
    const checks = await ruleTexts(altered);
    expect(checks.inDatabase).toContain("order_refusals.order_refusals_codes_check: CHECK ((cardinality(codes) >= 0))");
    expect(checks.described).toContain("order_refusals.order_refusals_codes_check: CHECK ((cardinality(codes) > 0))");
  });
});

describe("an entity in use: the operator list reads through OperatorEntity", () => {
  it("lists active rows by id, bigint ids as numbers, configuration winning for an id in both", async () => {
    await migrated.dataSource.query(
      `INSERT INTO operators (telegram_user_id, display_name, role, active) VALUES
         (5000000001, 'Eve', 'admin', true), (3, 'Old', 'trader', false), (2, 'Vic', 'viewer', true), (4, 'Tess', 'viewer', true)`,
    );
    const operators = new OperatorRepository(migrated.dataSource, new Map([[3, "trader"], [4, "admin"]] as const));
    expect(await operators.all()).toEqual([
      { userId: 2, role: "viewer", displayName: "Vic" },
      { userId: 3, role: "trader", displayName: "" },
      { userId: 4, role: "admin", displayName: "Tess" },
      { userId: 5000000001, role: "admin", displayName: "Eve" },
    ]);
  });
});
