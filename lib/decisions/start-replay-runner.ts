// The bulk-replay loop: runs wherever a checks worker runs (in the web server in the embedded
// default, in every `npm run worker` process). Several may run against one database: claims skip
// each other's jobs (run-replay-jobs.ts).
import type { DecisionServices } from "./decision-services.ts";
import { runNextReplayJob } from "./run-replay-jobs.ts";

export type ReplayRunner = { stop(): Promise<void> };

export function startReplayRunner(services: DecisionServices, { pollMs = 1000, log = (m: string) => console.error(`[replays] ${m}`) } = {}): ReplayRunner {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  const tick = () => {
    pass = (async () => {
      try {
        while (!stopped && (await runNextReplayJob(services, { shouldStop: () => stopped })));
      } catch (error) {
        if (!stopped) log(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    })().finally(() => {
      pass = undefined;
      if (!stopped) {
        timer = setTimeout(tick, pollMs);
        timer.unref();
      }
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // The chunk in flight finishes and saves; the job's lease then lets any runner resume it.
      await pass;
    },
  };
}
