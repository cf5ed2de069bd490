// A CheckContext over in-memory files (or files on disk, for sizes that do not fit in a test's
// memory), for unit tests of single checks. Built by the same createCheckContext as the real one,
// which reads the object store (run-check.ts). It counts the bytes each file delivers, so tests can
// show what was not read.
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { manifestSchema, type Manifest } from "../../registry/envelope.ts";
import { parseConfig } from "../../config/index.ts";
import { createCheckContext } from "../run-check.ts";
import { defaultThresholds, type Thresholds } from "../../policy/thresholds.ts";
import type { CheckContext, CheckLimits, EnvelopeFiles } from "../types.ts";

/**
 * A file read from disk. Its sha256 is not computed (the point is a size too large to handle
 * whole): the listed digest is a placeholder, which no check under test may rely on.
 */
export type DiskFile = { diskPath: string };

export type TestContextOptions = {
  /** Parsed with the real envelope schema, so fixtures cannot drift from what uploads accept. */
  manifest: unknown;
  files: Record<string, Uint8Array | string | DiskFile>;
  thresholds?: Partial<{ [K in keyof Thresholds]: Partial<Thresholds[K]> }>;
  /** Default: the configuration's defaults. */
  limits?: Partial<CheckLimits>;
  seed?: number;
  timeoutMs?: number;
};

export type TestContext = CheckContext & {
  logs: string[];
  progressReports: { fraction: number; message: string }[];
  /** Bytes delivered per file path, by open() and readBytes() together. */
  bytesRead: Record<string, number>;
};

export function createTestContext(options: TestContextOptions): TestContext {
  const manifest: Manifest = manifestSchema.parse(options.manifest);
  const inMemory = new Map<string, Buffer>();
  const onDisk = new Map<string, string>();
  const list = new Map<string, { size: number; sha256: string }>();
  for (const [path, content] of Object.entries(options.files)) {
    if (typeof content === "object" && "diskPath" in content) {
      onDisk.set(path, content.diskPath);
      list.set(path, { size: statSync(content.diskPath).size, sha256: "0".repeat(64) });
    } else {
      const b = Buffer.from(content);
      inMemory.set(path, b);
      list.set(path, { size: b.length, sha256: createHash("sha256").update(b).digest("hex") });
    }
  }
  const bytesRead: Record<string, number> = {};
  const counted = (path: string, stream: Readable) =>
    Readable.from(
      (async function* () {
        for await (const chunk of stream) {
          bytesRead[path] = (bytesRead[path] ?? 0) + (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      })(),
      { objectMode: false },
    );
  const files: EnvelopeFiles = {
    list,
    async open(path, range) {
      const size = list.get(path)?.size;
      if (size === undefined) throw new Error(`no file '${path}' in this version`);
      if (range && (range.start < 0 || range.end < range.start || range.end >= size))
        throw new Error(`range ${range.start}-${range.end} is outside '${path}' (${size} bytes)`);
      const diskPath = onDisk.get(path);
      if (diskPath) return counted(path, createReadStream(diskPath, range ? { start: range.start, end: range.end } : {}));
      const b = inMemory.get(path)!;
      const part = range ? b.subarray(range.start, range.end + 1) : b;
      // Small files in tiny chunks, so that streaming parsers meet chunk boundaries in awkward places.
      return counted(path, Readable.from(chunks(part, b.length < 65_536 ? 7 : 65_536)));
    },
    async readBytes(path, maxBytes) {
      const size = list.get(path)?.size;
      if (size === undefined) throw new Error(`no file '${path}' in this version`);
      if (size > maxBytes) throw new Error(`'${path}' is ${size} bytes, more than the ${maxBytes} allowed`);
      const b = onDisk.has(path) ? await readFile(onDisk.get(path)!) : inMemory.get(path)!;
      bytesRead[path] = (bytesRead[path] ?? 0) + b.length;
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
    limits: { maxScanBytes: parseConfig({}).checks.maxScanBytes, ...options.limits },
    seed: options.seed ?? 42,
    log: (line) => logs.push(line),
    progress: (fraction, message) => progressReports.push({ fraction, message }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  return { ...ctx, logs, progressReports, bytesRead };
}

function* chunks(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
