// `model-registry <command>`: the registry's command-line client (docs/cli.md). This file only
// parses arguments, dispatches and turns outcomes into output and exit codes; each command's work
// is in its own module. Exit codes: 0 ok, 1 the command failed (the server said no, verification
// failed, the envelope is invalid, the server is unreachable), 2 the command line is wrong.
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { commands, type Io, type Options, type Values } from "./commands.ts";
import { CommandFailure, UsageError } from "./errors.ts";
import { formatTable } from "./format.ts";
import { createRegistryClient, RegistryHttpError, type RegistryClient } from "./http-client.ts";

/** Commands with subcommands ("token create", "promotions list"), and their subcommands. */
const groups = new Map<string, string[]>(
  Object.keys(commands)
    .filter((k) => k.includes(" "))
    .reduce((acc, k) => {
      const [group, sub] = k.split(" ") as [string, string];
      acc.set(group, [...(acc.get(group) ?? []), sub]);
      return acc;
    }, new Map<string, string[]>()),
);

const GLOBAL_OPTIONS: Options = {
  url: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
};

const GLOBAL_HELP = `Global options:
  --url <url>      registry base URL (env REGISTRY_URL, default http://localhost:3000)
  --token <token>  API token (env REGISTRY_TOKEN)
  -h, --help       show help`;

export async function main(argv: string[] = process.argv.slice(2), io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const { words, rest } = splitCommand(argv);
  const [first, second] = words;
  if (first === "help" || (!first && (rest.includes("--help") || rest.includes("-h")))) {
    const name = [second, words[2]].filter(Boolean).join(" ");
    io.stdout.write((name ? commandHelp(name) : generalHelp()) + "\n");
    return 0;
  }
  if (!first && rest.includes("--version")) {
    io.stdout.write(`${(createRequire(import.meta.url)("../../package.json") as { version: string }).version}\n`);
    return 0;
  }
  if (!first) {
    io.stderr.write(generalHelp() + "\n");
    return 2;
  }
  const grouped = groups.has(first);
  const name = grouped ? (second ? `${first} ${second}` : first) : first;
  const command = commands[name];
  if (!command) {
    if (groups.has(name) && (rest.includes("--help") || rest.includes("-h"))) {
      io.stdout.write(commandHelp(name) + "\n");
      return 0;
    }
    if (groups.has(name)) throw new UsageError(`${name} needs a subcommand: ${groups.get(name)!.join(", ")}`, name);
    throw new UsageError(`unknown command '${name}'`);
  }
  // Words after the command (e.g. `push ./dir`) are its positionals again.
  const consumed = grouped ? 2 : 1;
  const parsed = parse([...words.slice(consumed), ...rest], { ...GLOBAL_OPTIONS, ...command.options }, name);
  if (parsed.values.help) {
    io.stdout.write(commandHelp(name) + "\n");
    return 0;
  }
  const url = (parsed.values.url as string | undefined) ?? io.env.REGISTRY_URL ?? "http://localhost:3000";
  const token = (parsed.values.token as string | undefined) ?? io.env.REGISTRY_TOKEN;
  let client: RegistryClient | undefined;
  return command.run({ ...parsed, io, client: () => (client ??= createRegistryClient({ url, token: token || undefined })) });
}

/** Command words come first (global options may precede them); everything from the first
 * command-specific option on is left to parseArgs. */
function splitCommand(argv: string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const globals: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--url" || arg === "--token") {
      globals.push(arg, argv[++i] ?? "");
      continue;
    }
    if (arg.startsWith("-")) {
      if (/^--(url|token)=/.test(arg) || arg === "--help" || arg === "-h" || arg === "--version") {
        globals.push(arg);
        continue;
      }
      break;
    }
    words.push(arg);
    // A group (`token`, `promotions`) takes one more word and `help` up to two; other commands' next words are positionals.
    if (words.length === (groups.has(words[0]!) ? 2 : words[0] === "help" ? 3 : 1)) {
      i++;
      break;
    }
  }
  return { words, rest: [...globals, ...argv.slice(i)] };
}

function parse(args: string[], options: Options, command: string): { positionals: string[]; values: Values } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

// ── help and errors ─────────────────────────────────────────────────────────────────────────────

function generalHelp(): string {
  const rows = Object.values(commands).map((c) => [`  ${c.usage.split(" [")[0]}`, c.summary]);
  return `Usage: model-registry <command> [options]

Commands:
${formatTable(rows)}

${GLOBAL_HELP}

Run 'model-registry <command> --help' for a command's options. Exit codes: 0 ok, 1 failure, 2 usage error.`;
}

function commandHelp(name: string): string {
  const command = commands[name];
  if (!command) {
    const matches = Object.entries(commands).filter(([key]) => key.startsWith(`${name} `));
    if (matches.length) return `Usage:\n${matches.map(([, c]) => `  model-registry ${c.usage}\n      ${c.summary}`).join("\n")}\n\n${GLOBAL_HELP}`;
    return generalHelp();
  }
  return `Usage: model-registry ${command.usage}\n\n${command.help}\n\n${GLOBAL_HELP}`;
}

function report(error: unknown, { stderr }: Io): number {
  if (error instanceof UsageError) {
    const command = error.command && commands[error.command] ? `\nUsage: model-registry ${commands[error.command]!.usage}` : "";
    stderr.write(`error: ${error.message}${command}\nRun 'model-registry ${error.command ? `${error.command} ` : ""}--help' for details.\n`);
    return 2;
  }
  if (error instanceof RegistryHttpError) {
    const { problem } = error;
    const lines = [`error: ${problem.detail} (HTTP ${problem.status}${problem.code ? ` ${problem.code}` : ""})`];
    for (const e of problem.errors ?? []) lines.push(`  ${e.path}: ${e.message}`);
    if (problem.status === 401) lines.push("  hint: check --token / REGISTRY_TOKEN");
    if (problem.code === "model_not_found") lines.push("  hint: create the model first, or pass --create-model to push");
    stderr.write(lines.join("\n") + "\n");
    return 1;
  }
  if (error instanceof CommandFailure) {
    stderr.write(`error: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join("")}`);
    return 1;
  }
  // Errors of the registry's own services (--direct mode) carry a stable code and field errors.
  const appError = error as { name?: string; code?: string; message?: string; errors?: { path: string; message: string }[]; issues?: string[] };
  if (appError?.name === "AppError" || appError?.name === "ConfigError" || error instanceof Error) {
    const details = [...(appError.errors ?? []).map((e) => `${e.path}: ${e.message}`)];
    stderr.write(`error: ${appError.message}${appError.name === "AppError" && appError.code ? ` (${appError.code})` : ""}\n${details.map((d) => `  ${d}\n`).join("")}`);
    if (process.env.REGISTRY_DEBUG && error instanceof Error) stderr.write(`${error.stack}\n`);
    return 1;
  }
  stderr.write(`error: ${String(error)}\n`);
  return 1;
}

/** True when this file is the program (`tsx lib/cli/main.ts`), not imported by bin.mjs or a test. */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs main() and exits with its code once the output is flushed; an idle keep-alive socket must not hold the process. */
export async function runAsProgram(): Promise<void> {
  const code = await main();
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write("", () => resolve()))));
  process.exit(code);
}

if (isEntryPoint()) void runAsProgram();
