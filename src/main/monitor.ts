import { parseArgs } from "node:util";
import { DeskReaderRepository } from "../adapters/db/repositories/desk-reader-repository.js";
import { systemClock } from "../app/ports/clock.js";
import { buildMonitorViews } from "../app/views/monitor-view.js";
import { monitorJson, renderMonitorReport } from "../cli/monitor-text.js";
import { Dec } from "../domain/decimal.js";
import { createMarketCalendar } from "../domain/market-calendar.js";
import { bootRuntime, runCli, usageError, writeStdout } from "./runtime.js";

const USAGE = `usage: npm run monitor [-- --json]

Prints the daily monitor of every account: capital, positions against their stops, metrics.
--json prints the views as JSON instead (exact decimals as strings). Read-only, and needs no
Redis: it runs beside \`npm start\`, on the PostgreSQL that one runs.`;

/** `npm run monitor`: the daily monitor on a server shell. */
async function main(): Promise<number> {
  let json: boolean;
  try {
    const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } });
    if (values.help) {
      await writeStdout(`${USAGE}\n`);
      return 0;
    }
    json = values.json;
  } catch (error) {
    return usageError(error, USAGE);
  }
  // The runtime logs JSON lines to stdout, which is this command's output: keep them out of it
  // (errors only in text mode, nothing at all under --json). Failures still reach stderr below.
  process.env.LOG_LEVEL = json ? "silent" : "error";
  const runtime = await bootRuntime("monitor", { withRedis: false });
  try {
    const { risk } = runtime.config;
    const calendar = createMarketCalendar({ timeZone: risk.marketTimezone, extraHolidays: risk.marketClosures });
    const views = await buildMonitorViews({ reader: new DeskReaderRepository(runtime.dataSource), calendar, clock: systemClock, nearStopPct: new Dec(risk.nearStopPct) });
    await writeStdout(json ? monitorJson(views) : renderMonitorReport(views, calendar.timeZone));
    return 0;
  } finally {
    await runtime.close();
  }
}

runCli(main, (error) => `monitor failed: ${error.message}`);
