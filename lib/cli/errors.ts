// The two ways a CLI command can fail on its own (HTTP failures are RegistryHttpError in
// http-client.ts). main.ts maps them to exit codes: a usage error is 2, every other failure 1, so a
// CI script can tell "I called it wrong" from "the registry said no".

/** The command line itself is wrong: unknown option, missing argument, malformed value. Exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The command ran and failed: invalid envelope, verification mismatch, unreachable server. Exit 1.
 * `details` are printed one per line under the message (e.g. "manifest.version: must be …"). */
export class CommandFailure extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = "CommandFailure";
  }
}
