import { parseArgs } from "node:util";
import { DeskReaderRepository } from "../adapters/db/repositories/desk-reader-repository.js";
import { systemClock } from "../app/ports/clock.js";
import { buildMonitorViews } from "../app/views/monitor-view.js";
import { monitorJson, renderMonitorReport } from "../cli/monitor-text.js";
import { Dec } from "../domain/decimal.js";
import { createMarketCalendar } from "../domain/market-calendar.js";
import { bootRuntime } from "./runtime.js";

const USAGE = `usage: npm run monitor [-- --json]

Prints the daily monitor of every account: capital, positions against their stops, metrics.
--json prints the views as JSON instead (exact decimals as strings). Read-only, and needs no
Redis: it runs beside \`npm start\`, on the PostgreSQL that one runs.`;

/** Every account's monitor view, oldest account first (one deleted meanwhile is skipped). */
function write(text: string): Promise<void> {
  return new Promise((done) => process.stdout.write(text, () => done()));
}

/** `npm run monitor`: the daily monitor on a server shell. */
async function main(): Promise<number> {
  let json: boolean;
  try {
    const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } });
    if (values.help) {
      await write(`${USAGE}\n`);
      return 0;
    }
    json = values.json;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  // The runtime logs JSON lines to stdout, which is this command's output: keep them out of it
  // (errors only in text mode, nothing at all under --json). Failures still reach stderr below.
  process.env.LOG_LEVEL = json ? "silent" : "error";
  const runtime = await bootRuntime("monitor", { withRedis: false });
  try {
    const { risk } = runtime.config;
    const calendar = createMarketCalendar({ timeZone: risk.marketTimezone, extraHolidays: risk.marketClosures });
    const views = await buildMonitorViews({ reader: new DeskReaderRepository(runtime.dataSource), calendar, clock: systemClock, nearStopPct: new Dec(risk.nearStopPct) });
    await write(json ? monitorJson(views) : renderMonitorReport(views, calendar.timeZone));
    return 0;
  } finally {
    await runtime.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`monitor failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
