// Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm) and runs it
// against a driver adapter.
//
// Why the WebAssembly engine: the Prisma CLI downloads a native schema-engine binary at start-up, which
// cannot be done on machines without internet access (ours, and many production networks). The WASM
// build is the same engine (same migration table, same checksums, same SQL) and talks to the database
// through the same driver adapters as the Prisma client, so it needs no binary and no second driver.
//
// Why we instantiate it by hand: the package's entry point does `import * as wasm from "./x.wasm"`,
// which Node 20 cannot evaluate. Its `_bg.js` half holds the JS glue and expects to be handed the
// instance's exports (`__wbg_set_wasm`) and then started (`__wbindgen_start`).
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

export type { SchemaEngine };

type EngineState = { module?: Promise<WebAssembly.Module>; started: WeakMap<object, Promise<void>> };
const stateKey = Symbol.for("model-registry.schema-engine-wasm");
const globals = globalThis as typeof globalThis & Record<symbol, EngineState | undefined>;
// A compiled Module is stateless, so it is cached per process (compiling ~5 MB of WASM is the slow
// part). An instance is bound to one copy of the `_bg.js` glue module, so instances are tracked per
// copy: a module graph re-evaluated by a dev server or test runner gets its own instance.
const state: EngineState = (globals[stateKey] ??= { started: new WeakMap() });

/** The engine's logs are JSON lines; `fields.message` is the human part. */
export type EngineLogLine = { level: string; message: string; fields: Record<string, unknown> };

let lastPanic: string | undefined;

/** Compiles (once per process) and starts (once per glue module) the WebAssembly schema engine. */
export async function loadSchemaEngine(): Promise<typeof bindings> {
  let started = state.started.get(bindings);
  if (!started) {
    started = instantiate();
    state.started.set(bindings, started);
    started.catch(() => state.started.delete(bindings));
  }
  await started;
  return bindings;
}

async function instantiate(): Promise<void> {
  state.module ??= compileModule();
  state.module.catch(() => (state.module = undefined));
  const module = await state.module;
  // The engine reports Rust panics through this global before trapping with "unreachable".
  const panicRegistry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  panicRegistry.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (message) => void (lastPanic = message) };
  const instance = await WebAssembly.instantiate(module, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
}

async function compileModule(): Promise<WebAssembly.Module> {
  // The package's export map does not expose the .wasm file; it sits next to the glue module.
  const glue = resolveFromHereOrCwd("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await fs.readFile(path.join(path.dirname(glue), "schema_engine_bg.wasm"));
  return WebAssembly.compile(bytes);
}

function resolveFromHereOrCwd(specifier: string): string {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch {
    // Bundled code (a Next.js server chunk) may not have a usable file URL: resolve from the app root.
    return createRequire(path.join(process.cwd(), "package.json")).resolve(specifier);
  }
}

/**
 * Runs `fn` with a schema engine connected through `factory`, then frees the engine. The caller owns
 * the factory's connections (the engine does not dispose them).
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
  options: { datamodels?: [path: string, content: string][]; onLog?: (line: EngineLogLine) => void } = {},
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngine();
  const onLog = options.onLog;
  const logCallback = (raw: string) => {
    if (!onLog) return;
    try {
      const parsed = JSON.parse(raw) as { level?: string; fields?: Record<string, unknown> };
      const fields = parsed.fields ?? {};
      onLog({ level: parsed.level ?? "INFO", message: String(fields.message ?? ""), fields });
    } catch {
      onLog({ level: "INFO", message: raw, fields: {} });
    }
  };
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: options.datamodels },
      logCallback,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (error) {
    throw withPanicMessage(error);
  }
  try {
    return await fn(engine);
  } catch (error) {
    throw withPanicMessage(error);
  } finally {
    engine.free();
  }
}

/** A trapped engine only says "unreachable"; attach the Rust panic message it registered. */
function withPanicMessage(error: unknown): unknown {
  if (lastPanic && error instanceof WebAssembly.RuntimeError) {
    const message = `schema engine panicked: ${lastPanic}`;
    lastPanic = undefined;
    return new Error(message, { cause: error });
  }
  return error;
}
