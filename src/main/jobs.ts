import { approvalExpiryJob } from "../../jobs/approval-expiry.js";
import { closingEquityMarkJob, intradayEquityMarkJob } from "../../jobs/equity-marks.js";
import { assertEveryJobHasAProcessor, type JobDefinition } from "../../jobs/registry.js";
import { stopLossScanJob } from "../../jobs/stop-loss-scan.js";
import { triggerCheckJob } from "../../jobs/trigger-check.js";
import { EquityMarkRepository } from "../adapters/db/repositories/equity-mark-repository.js";
import { StopLossRepository } from "../adapters/db/repositories/stop-loss-repository.js";
import { observeJobs } from "../adapters/http/metrics.js";
import { startJobRunner, type JobRunner } from "../adapters/queue/job-runner.js";
import type { ProposalBoard } from "../app/ports/proposal-board.js";
import type { Runtime } from "./runtime.js";
import type { DeskServices } from "./services.js";

/** Every job the desk schedules; start-up fails if one has no processor. */
const SCHEDULED_JOBS = ["trigger-check", "stop-loss-scan", "approval-expiry", "equity-mark-intraday", "equity-mark-close"];

function equityMarkJobs(runtime: Runtime, services: DeskServices): JobDefinition[] {
  const deps = { marks: new EquityMarkRepository(runtime.dataSource), calendar: services.killSwitch.calendar, clock: services.killSwitch.clock };
  return [intradayEquityMarkJob(deps), closingEquityMarkJob(deps)];
}

/** Upserts the job schedulers and starts the BullMQ workers. */
export async function startJobs(runtime: Runtime, services: DeskServices, board?: ProposalBoard): Promise<JobRunner> {
  if (!runtime.infrastructure.redisUrl) throw new Error("jobs need Redis");
  const { schedules } = runtime.config;
  const definitions: JobDefinition[] = [
    triggerCheckJob(services.killSwitch, schedules.triggerCheckEverySeconds),
    stopLossScanJob({ ...services.execution, positions: new StopLossRepository(runtime.dataSource) }, schedules.stopLossScanEverySeconds),
    approvalExpiryJob({ ...services.approvals, ...(board ? { board } : {}) }),
    ...equityMarkJobs(runtime, services),
  ];
  assertEveryJobHasAProcessor(SCHEDULED_JOBS, definitions);
  return startJobRunner({
    redisUrl: runtime.infrastructure.redisUrl,
    definitions,
    log: runtime.log,
    onJobDone: observeJobs(services.metrics),
  });
}
