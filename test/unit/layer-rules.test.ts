import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * `npm run lint` enforces the layers (domain <- app <- adapters, jobs <- main): a file that
 * breaks them fails the lint. Each case lints a fixture as if it were a file of that layer
 * (src/<layer>/__layer_fixture__.ts, which eslint.config.js lets the type-aware parser read
 * without it being on disk), with the project's own configuration.
 */

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(layer: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${process.cwd()}/src/${layer}/__layer_fixture__.ts` });
  const fatal = result!.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join("; "));
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("npm run lint: the layer rules", () => {
  it("fails a domain file that imports an adapter, the app, the logger, a framework or I/O", { timeout: 60_000 }, async () => {
    const messages = await restrictedImports(
      "domain",
      [
        `import { PriceRepository } from "../adapters/db/repositories/price-repository.js";`,
        `import { executeOrder } from "../app/orders/execute-order.js";`,
        `import { createLogger } from "../logger.js";`,
        `import { Bot } from "grammy";`,
        `import { readFile } from "node:fs/promises";`,
        `import { Dec } from "./decimal.js";`,
        `export const all = [PriceRepository, executeOrder, createLogger, Bot, readFile, Dec];`,
      ].join("\n"),
    );
    expect(messages).toEqual([
      expect.stringContaining("'../adapters/db/repositories/price-repository.js' import is restricted"),
      expect.stringContaining("'../app/orders/execute-order.js' import is restricted"),
      expect.stringContaining("'../logger.js' import is restricted"),
      expect.stringContaining("'grammy' import is restricted"),
      expect.stringContaining("'node:fs/promises' import is restricted"),
    ]);
    expect(messages[0]).toContain("the domain imports nothing outside src/domain");
  });

  it("fails an app file that imports an adapter, an entry point or a framework; the domain and ports pass", { timeout: 60_000 }, async () => {
    const messages = await restrictedImports(
      "app",
      [
        `import { PriceRepository } from "../adapters/db/repositories/price-repository.js";`,
        `import { bootRuntime } from "../main/runtime.js";`,
        `import { DataSource } from "typeorm";`,
        `import type { Clock } from "./ports/clock.js";`,
        `import { Dec } from "../domain/decimal.js";`,
        `export const all: unknown[] = [PriceRepository, bootRuntime, DataSource, Dec];`,
        `export type C = Clock;`,
      ].join("\n"),
    );
    expect(messages).toEqual([
      expect.stringContaining("'../adapters/db/repositories/price-repository.js' import is restricted"),
      expect.stringContaining("'../main/runtime.js' import is restricted"),
      expect.stringContaining("'typeorm' import is restricted"),
    ]);
  });

  it("fails an adapter or local-services file that imports src/main, the composition root", { timeout: 60_000 }, async () => {
    for (const layer of ["adapters", "local"]) {
      const messages = await restrictedImports(layer, `import { bootRuntime } from "../main/runtime.js";\nexport const boot = bootRuntime;\n`);
      expect(messages).toEqual([expect.stringContaining("src/main is the composition root")]);
    }
  });
});
