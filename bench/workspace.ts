// One temporary directory for everything a bench run writes (payload files, the app's DATA_DIR,
// s3rver's store, raw-disk copies), plus a stack of cleanups that runs exactly once: from the
// orchestrator's `finally`, or from a signal handler when the run is interrupted. Several GiB end up
// in here, so leaving it behind is not an option.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type Workspace = {
  dir: string;
  /** A path inside the workspace (not created). */
  file(name: string): string;
  /** Registers a cleanup; they run in reverse order of registration. */
  defer(cleanup: () => Promise<void> | void): void;
  /** Runs every cleanup (errors are reported, not thrown), then deletes the directory. Idempotent. */
  cleanup(): Promise<void>;
};

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), "registry-bench-"));
  const cleanups: (() => Promise<void> | void)[] = [];
  let done: Promise<void> | undefined;

  const cleanup = () =>
    (done ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (error) {
          console.error(`[bench] cleanup step failed: ${(error as Error).message}`);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  // Ctrl-C or a kill must not leave servers running or GiB-sized files behind.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n[bench] ${signal}: cleaning up…`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  return { dir, file: (name) => path.join(dir, name), defer: (fn) => void cleanups.push(fn), cleanup };
}
