// A CheckContext over in-memory files, for unit tests of single checks. Built by the same
// createCheckContext as the real one, which reads the object store (run-check.ts).
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { manifestSchema, type Manifest } from "../../registry/envelope.ts";
import { createCheckContext } from "../run-check.ts";
import { defaultThresholds, type CheckContext, type EnvelopeFiles, type Thresholds } from "../types.ts";

export type TestContextOptions = {
  /** Parsed with the real envelope schema, so fixtures cannot drift from what uploads accept. */
  manifest: unknown;
  files: Record<string, Uint8Array | string>;
  thresholds?: Partial<{ [K in keyof Thresholds]: Partial<Thresholds[K]> }>;
  seed?: number;
  timeoutMs?: number;
};

export type TestContext = CheckContext & { logs: string[]; progressReports: { fraction: number; message: string }[] };

export function createTestContext(options: TestContextOptions): TestContext {
  const manifest: Manifest = manifestSchema.parse(options.manifest);
  const bytes = new Map(Object.entries(options.files).map(([path, content]) => [path, Buffer.from(content)]));
  const files: EnvelopeFiles = {
    list: new Map([...bytes].map(([path, b]) => [path, { size: b.length, sha256: createHash("sha256").update(b).digest("hex") }])),
    async open(path) {
      const b = bytes.get(path);
      if (!b) throw new Error(`no file '${path}' in this version`);
      // Small files in tiny chunks, so that streaming parsers meet chunk boundaries in awkward places.
      return Readable.from(chunks(b, b.length < 65_536 ? 7 : 65_536));
    },
    async readBytes(path, maxBytes) {
      const b = bytes.get(path);
      if (!b) throw new Error(`no file '${path}' in this version`);
      if (b.length > maxBytes) throw new Error(`'${path}' is ${b.length} bytes, more than the ${maxBytes} allowed`);
      return b;
    },
  };
  const thresholds = structuredClone(defaultThresholds);
  for (const [kind, values] of Object.entries(options.thresholds ?? {})) Object.assign(thresholds[kind as keyof Thresholds], values);
  const logs: string[] = [];
  const progressReports: { fraction: number; message: string }[] = [];
  const ctx = createCheckContext({
    manifest,
    files,
    thresholds,
    seed: options.seed ?? 42,
    log: (line) => logs.push(line),
    progress: (fraction, message) => progressReports.push({ fraction, message }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  return { ...ctx, logs, progressReports };
}

function* chunks(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
