// The bulk-replay loop: runs wherever a checks worker runs (in the web server in the embedded
// default, in every `npm run worker` process). Several may run against one database: claims skip
// each other's jobs (run-replay-jobs.ts). Stopping hands the job in flight back after its current
// chunk; any runner resumes it from the saved cursor.
import { startPollLoop, type PollLoop } from "../db/poll-loop.ts";
import type { DecisionServices } from "./decision-services.ts";
import { runNextReplayJob } from "./run-replay-jobs.ts";

export type ReplayRunner = PollLoop;

export function startReplayRunner(services: DecisionServices, { pollMs = 1000, log = (m: string) => console.error(`[replays] ${m}`) } = {}): ReplayRunner {
  return startPollLoop((isStopped) => runNextReplayJob(services, { shouldStop: isStopped }), {
    pollMs,
    onError: (error) => log(`replay failed: ${error instanceof Error ? error.message : String(error)}`),
  });
}
