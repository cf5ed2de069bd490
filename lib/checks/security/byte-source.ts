// Where the security scan's bytes come from, and how scanners read them without holding a file in
// memory. A ByteSource is anything that can be read in order from any offset: a stored file (ranged
// reads from the object store), a range of one (a stored zip entry), or an inflated stream (a deflated
// zip entry, a zlib/gzip joblib dump). Its size is known before reading: the stored size, the zip
// header, or one measuring pass over an inflated stream, which also proves the stream inflates.
//
// Scanners read through a Window: the few bytes at and after the reader's position, at absolute
// offsets, grown on demand and dropped once the reader has passed them, so memory stays flat whatever
// the file's size. Scanners are synchronous generators that yield a Promise whenever the window has
// to wait for bytes; run() awaits those, and runSync() drives scans of bytes already in memory, which
// never wait. One scanner implementation thus serves both a 5-byte test input and a 20 GiB upload.
import { Readable, pipeline } from "node:stream";
import { createGunzip, createInflate, createInflateRaw, crc32 } from "node:zlib";

export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Opening at an offset is cheap (a ranged read), not a re-read from the start (an inflated stream). */
  readonly seekable: boolean;
  /** Bytes [start, end) in order, in chunks of any size; stopping early releases the underlying read. */
  read(start: number, end?: number): AsyncIterable<Uint8Array>;
  /** The whole content, when it is in memory anyway: windows over it never wait. */
  readonly bytes?: Uint8Array;
  /** The last bytes (at most TAIL_BYTES), when known without reading, e.g. kept by a measuring pass. */
  readonly tail?: Uint8Array;
}

/** A scanner step: yields Promises to wait for, returns T. */
export type Wait<T> = Generator<Promise<unknown>, T, unknown>;

/** The end of a zip: its end-of-central-directory record (22 bytes) plus the longest comment. */
export const TAIL_BYTES = 22 + 0xffff;
/** Inflated or stored entries up to this size are kept from their verifying pass instead of read twice. */
export const KEEP_IN_MEMORY_BYTES = 16 * 1024 * 1024;
/** A seekable window skips a gap larger than this with a new ranged read rather than reading through it. */
const REOPEN_GAP = 1024 * 1024;
const EMPTY = new Uint8Array(0);

/** Drives a scanner over sources that wait: awaits what it yields, feeding errors back in where it waited. */
export async function run<T>(op: Wait<T>, signal?: AbortSignal): Promise<T> {
  let finished = false;
  try {
    let step = op.next();
    while (!step.done) {
      let value: unknown;
      try {
        value = await step.value;
        signal?.throwIfAborted();
      } catch (error) {
        step = op.throw(error);
        continue;
      }
      step = op.next(value);
    }
    finished = true;
    return step.value;
  } finally {
    // Runs the scanner's finally blocks (closing its windows) when it is abandoned midway.
    if (!finished) op.return(undefined as T);
  }
}

/** Drives a scanner over bytes in memory, which never waits. */
export function runSync<T>(op: Wait<T>): T {
  const step = op.next();
  if (!step.done) {
    op.return(undefined as T);
    throw new Error("a scan over bytes in memory asked to wait for more bytes");
  }
  return step.value;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    seekable: true,
    bytes,
    async *read(start, end = bytes.length) {
      if (end > start) yield bytes.subarray(start, end);
    },
  };
}

/** Bytes [offset, offset + size) of `parent`, e.g. a stored zip entry. */
export function sliceSource(parent: ByteSource, offset: number, size: number): ByteSource {
  if (parent.bytes) return bytesSource(parent.bytes.subarray(offset, offset + size));
  return { size, seekable: parent.seekable, read: (start, end = size) => parent.read(offset + start, offset + end) };
}

export type InflateFormat = "deflate-raw" | "zlib" | "gzip";

/** `parent` inflated, whose inflated size is already known (a verifying or measuring pass). */
export function inflatedSource(parent: ByteSource, format: InflateFormat, size: number, tail?: Uint8Array): ByteSource {
  return { size, seekable: false, tail, read: (start, end = size) => inflate(parent, format, start, end) };
}

async function* inflate(parent: ByteSource, format: InflateFormat, start: number, end: number): AsyncGenerator<Uint8Array> {
  if (end <= start) return;
  let at = 0;
  for await (const chunk of inflateStream(parent, format)) {
    const from = at;
    at += chunk.length;
    if (at <= start) continue;
    yield chunk.subarray(Math.max(0, start - from), Math.min(chunk.length, end - from));
    if (at >= end) return;
  }
  if (at < end) throw new Error(`the ${format} stream inflated to ${at} bytes, fewer than the ${end} it had before`);
}

/** The inflated bytes of all of `parent`; an error of either side ends the iteration with that error. */
export function inflateStream(parent: ByteSource, format: InflateFormat): AsyncIterable<Buffer> {
  // Chunks of 256 KiB rather than zlib's 16 KiB: a highly compressed stream otherwise spends its time per chunk.
  const options = { chunkSize: 256 * 1024 };
  const inflater = format === "gzip" ? createGunzip(options) : format === "zlib" ? createInflate(options) : createInflateRaw(options);
  // pipeline, not .pipe: a read error reaches the consumer, and a consumer that stops destroys both.
  return pipeline(Readable.from(parent.read(0), { objectMode: false }), inflater, () => {});
}

/** What one full pass over a stream learned: its length, its last bytes, when asked its CRC-32 and, when small, all of it. */
export type Measured = { size: number; crc?: number; tail: Uint8Array; bytes?: Uint8Array };

/** Thrown by measure() as soon as a stream passes its byte limit. */
export class StreamTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}

/**
 * Reads `chunks` to the end once, holding at most `keepWhole` bytes (kept whole only if the stream is
 * no longer) plus its last TAIL_BYTES; stops with StreamTooLargeError once it passes `maxBytes`.
 */
export async function measure(chunks: AsyncIterable<Uint8Array>, opts: { maxBytes: number; keepWhole: number; crc?: boolean; signal?: AbortSignal }): Promise<Measured> {
  let size = 0;
  let crc = opts.crc ? 0 : undefined;
  let kept: Uint8Array[] | null = [];
  const recent: Uint8Array[] = [];
  let recentBytes = 0;
  for await (const chunk of chunks) {
    opts.signal?.throwIfAborted();
    size += chunk.length;
    if (size > opts.maxBytes) throw new StreamTooLargeError(opts.maxBytes);
    if (crc !== undefined) crc = crc32(chunk, crc);
    if (kept && size <= opts.keepWhole) kept.push(chunk);
    else kept = null;
    recent.push(chunk);
    recentBytes += chunk.length;
    while (recentBytes - recent[0]!.length >= TAIL_BYTES) recentBytes -= recent.shift()!.length;
  }
  const bytes = kept ? concat(kept) : undefined;
  const last = concat(recent);
  return { size, crc, tail: last.subarray(Math.max(0, last.length - TAIL_BYTES)), bytes };
}

/** Bytes [start, start + length) of `source`, clipped to its end. For headers and directories, not bulk data. */
export async function readRange(source: ByteSource, start: number, length: number): Promise<Uint8Array> {
  const end = Math.min(source.size, start + length);
  if (end <= start) return EMPTY;
  if (source.bytes) return source.bytes.subarray(start, end);
  const tailStart = source.size - (source.tail?.length ?? 0);
  if (source.tail && start >= tailStart) return source.tail.subarray(start - tailStart, end - tailStart);
  const out = new Uint8Array(end - start);
  let filled = 0;
  for await (const chunk of source.read(start, end)) {
    const piece = chunk.subarray(0, out.length - filled);
    out.set(piece, filled);
    filled += piece.length;
    if (filled === out.length) break;
  }
  if (filled < out.length) throw new Error(`the read of bytes ${start}..${end} ended after ${filled} bytes`);
  return out;
}

/** The last `length` bytes of `source` (all of it when shorter). */
export function readTail(source: ByteSource, length: number): Promise<Uint8Array> {
  return readRange(source, Math.max(0, source.size - length), length);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The buffered bytes [start, end) of a source around a reader's position. Buffers are never written
 * after they are filled, so views handed out (and forks) stay valid when the window moves on.
 */
export class Window {
  readonly size: number;
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private iterator: AsyncIterator<Uint8Array> | undefined;

  constructor(
    readonly source: ByteSource,
    seed?: { bytes: Uint8Array; start: number },
  ) {
    this.size = source.size;
    if (seed) {
      this.buf = seed.bytes;
      this.start = seed.start;
    } else if (source.bytes) {
      this.buf = source.bytes;
    }
  }

  get end(): number {
    return this.start + this.buf.length;
  }

  /** The byte at absolute offset `at`, which must be buffered (fill first). */
  byte(at: number): number {
    return this.buf[at - this.start]!;
  }

  /** Buffered bytes [from, to) without copying. */
  view(from: number, to: number): Uint8Array {
    return this.buf.subarray(from - this.start, to - this.start);
  }

  /** Absolute offset of the first `value` at or after `from` among the buffered bytes, or -1. */
  indexOf(value: number, from: number): number {
    const i = this.buf.indexOf(value, Math.max(0, from - this.start));
    return i < 0 ? -1 : i + this.start;
  }

  /** A second reader of the same source from `at`, starting with the bytes this one has buffered there. */
  fork(at: number): Window {
    if (at >= this.start && at <= this.end) return new Window(this.source, { bytes: this.view(at, this.end), start: at });
    return new Window(this.source, { bytes: EMPTY, start: at });
  }

  /** Buffers [pos, want) (clipped to the end of the source) and drops everything before pos. */
  *fill(pos: number, want: number): Wait<void> {
    want = Math.min(want, this.size);
    if (pos < this.start || (this.source.seekable && pos > this.end + REOPEN_GAP)) this.reopen(pos);
    if (pos <= this.end) {
      this.buf = this.buf.subarray(pos - this.start);
      this.start = pos;
    } else {
      // Skipping forward by reading through: chunks wholly before pos are dropped as they come.
      this.start = this.end;
      this.buf = EMPTY;
    }
    while (this.end < want) {
      const chunk = yield* this.pull();
      if (this.end + chunk.length <= pos) {
        this.start += chunk.length;
        continue;
      }
      const piece = this.end < pos ? chunk.subarray(pos - this.end) : chunk;
      if (this.end < pos) this.start = pos;
      this.buf = this.buf.length === 0 ? piece : concat([this.buf, piece]);
    }
  }

  /** Releases the underlying read (a ranged request or an inflater). */
  close(): void {
    const it = this.iterator;
    this.iterator = undefined;
    void it?.return?.()?.catch(() => {});
  }

  private reopen(pos: number) {
    this.close();
    this.buf = EMPTY;
    this.start = pos;
  }

  /** The next chunk of the source after the buffered bytes. */
  private *pull(): Wait<Uint8Array> {
    this.iterator ??= this.source.read(this.end)[Symbol.asyncIterator]();
    for (;;) {
      const step = (yield this.iterator.next()) as IteratorResult<Uint8Array>;
      if (step.done) throw new Error(`the data ended at byte ${this.end}, before its size of ${this.size} bytes`);
      const chunk = step.value;
      if (this.end + chunk.length > this.size) throw new Error(`the data is longer than its size of ${this.size} bytes`);
      if (chunk.length > 0) return chunk;
    }
  }
}
