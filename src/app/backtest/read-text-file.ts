import { readFile } from "node:fs/promises";
import type { ReadText } from "./load-bars.js";

/** The backtest's file reader: the whole file as UTF-8 (the parser strips a BOM). Tests pass their own. */
export const readTextFile: ReadText = (path) => readFile(path, "utf8");
