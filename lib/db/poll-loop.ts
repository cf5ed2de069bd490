// The loop of a database-polled background worker (webhook dispatcher, bulk replay runner): run a
// pass; while a pass reports more work, run again at once; otherwise sleep pollMs. stop() lets the
// pass in flight finish (its work is saved by the pass itself) and starts no other.
export type PollLoop = { stop(): Promise<void> };

/** `pass` returns true when it may have left work behind (a full batch): the loop runs it again at once. */
export function startPollLoop(pass: (isStopped: () => boolean) => Promise<boolean>, opts: { pollMs: number; onError: (error: unknown) => void }): PollLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const isStopped = () => stopped;
  const tick = () => {
    running = (async () => {
      try {
        while (!stopped && (await pass(isStopped)));
      } catch (error) {
        if (!stopped) opts.onError(error);
      }
    })().finally(() => {
      running = undefined;
      if (!stopped) {
        timer = setTimeout(tick, opts.pollMs);
        timer.unref();
      }
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
