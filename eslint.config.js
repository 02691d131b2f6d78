import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Frameworks and I/O the inner layers never touch (they reach them through ports). */
const FRAMEWORKS = ["grammy", "@grammyjs/*", "bullmq", "typeorm", "ioredis", "pg"];
const IO = ["node:fs*", "node:net", "node:http*", "node:child_process"];
/** A relative import that reaches into another layer's folder (no layer has a subfolder of these names). */
const OUTSIDE_DOMAIN = String.raw`^\.\.?/(.*/)?(app|adapters|main|local|cli|config|jobs)(/|$)|(^|/)logger(\.js)?$`;
const OUTSIDE_APP = String.raw`^\.\.?/(.*/)?(adapters|main|local|cli|config|jobs)(/|$)|(^|/)logger(\.js)?$`;
const INTO_MAIN = String.raw`^\.\.?/(.*/)?main(/|$)`;

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "dist/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js", "src/*/__layer_fixture__.ts"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // pg and TypeORM return rows typed as any; the repositories map them into typed values.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      eqeqeq: ["error", "always"],
      "no-console": "error",
    },
  },
  // The layers (domain <- app <- adapters, jobs <- main), checked rather than kept by care:
  // test/unit/layer-rules.test.ts lints a domain file that imports an adapter and expects these to fail it.
  {
    // The domain stays pure: nothing outside itself and its pure libraries; no I/O, environment or clock.
    files: ["src/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: [...FRAMEWORKS, ...IO], message: "the domain is pure: no framework, no I/O" }, { regex: OUTSIDE_DOMAIN, message: "the domain imports nothing outside src/domain (no app, adapter, config or entry point)" }] }],
      "no-restricted-properties": ["error", { object: "process", property: "env" }, { object: "Date", property: "now" }],
    },
  },
  {
    // The use cases speak to the world through their ports: no adapter, framework or entry point.
    files: ["src/app/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: FRAMEWORKS, message: "the app reaches frameworks through its ports" }, { regex: OUTSIDE_APP, message: "the app imports the domain and its own ports only (no adapter, config or entry point)" }] }],
    },
  },
  {
    // Only entry points compose the desk: nothing else imports src/main.
    files: ["src/adapters/**/*.ts", "src/local/**/*.ts", "src/cli/**/*.ts", "src/config/**/*.ts", "jobs/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: INTO_MAIN, message: "src/main is the composition root: only entry points import it" }] }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "no-console": "off", "@typescript-eslint/require-await": "off" },
  },
);
