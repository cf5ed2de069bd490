// Minimal zip reader for finding pickles inside archives (PyTorch's torch.save format, .npz, zipped
// joblib dumps). Reads the central directory like Python's zipfile and PyTorch's miniz do, supports
// only what those writers produce (stored and deflate, no zip64, no encryption) and refuses the rest
// with a reason. Every size is bounded because the archive is attacker-controlled (zip bombs).
// Archives are read from a ByteSource: the end record and the directory by ranged reads, entries as
// streams, so a multi-GB archive costs the size of its directory, not its data.
import { inflateRawSync, constants as zlibConstants } from "node:zlib";
import {
  bytesSource,
  inflatedSource,
  inflateStream,
  KEEP_IN_MEMORY_BYTES,
  measure,
  readRange,
  run,
  sliceSource,
  StreamTooLargeError,
  TAIL_BYTES,
  Window,
  type ByteSource,
  type Measured,
  type Wait,
} from "./byte-source.ts";

export type ZipEntry = {
  name: string;
  /** 0 = stored, 8 = deflate; anything else is reported, not read. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  encrypted: boolean;
  /** Absolute offset in the bytes (already shifted past any prepended data). */
  localHeaderOffset: number;
};

export type ZipErrorCode =
  | "zip_malformed"
  | "zip_zip64_unsupported"
  | "zip_encrypted_entry"
  | "zip_unsupported_method"
  | "zip_too_many_entries"
  | "zip_too_large";

export class ZipError extends Error {
  constructor(
    readonly code: ZipErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type ZipLimits = {
  /** Central directory entries accepted (a million tiny entries is a denial of service of its own). */
  maxEntries: number;
  /** Total bytes inflated across all reads from this archive (zip-bomb bound). */
  maxTotalBytes: number;
};

export const defaultZipLimits: ZipLimits = { maxEntries: 100_000, maxTotalBytes: 2 * 1024 ** 3 };

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

/** Local-file-header or empty-archive magic at the start: what torch.load and zipfile writers produce. */
export function startsLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function findEndOfCentralDirectory(bytes: Uint8Array): number {
  // The EOCD is 22 bytes plus a comment of at most 65535 bytes, so it is in the last 65557 bytes.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (u32(bytes, at) === EOCD_SIG && at + 22 + u16(bytes, at + 20) <= bytes.length) return at;
  }
  return -1;
}

/** True when the bytes end with a zip end-of-central-directory record (the way zipfile.is_zipfile decides). */
export function hasZipDirectory(bytes: Uint8Array): boolean {
  return bytes.length >= 22 && findEndOfCentralDirectory(bytes) >= 0;
}

export class ZipArchive {
  private inflatedSoFar = 0;

  private constructor(
    private readonly source: ByteSource,
    readonly entries: ZipEntry[],
    private readonly limits: ZipLimits,
  ) {}

  /**
   * Parses the central directory, reading only the end of the archive and the directory itself.
   * Throws ZipError for archives it will not read.
   */
  static async open(source: ByteSource, limits: Partial<ZipLimits> = {}, signal?: AbortSignal): Promise<ZipArchive> {
    const lim = { ...defaultZipLimits, ...limits };
    const tailStart = Math.max(0, source.size - TAIL_BYTES);
    const tail = await readRange(source, tailStart, TAIL_BYTES);
    const rel = findEndOfCentralDirectory(tail);
    if (rel < 0) throw new ZipError("zip_malformed", "no zip end-of-central-directory record");
    const eocd = tailStart + rel;
    if (eocd >= 20) {
      const locator = rel >= 20 ? tail.subarray(rel - 20) : await readRange(source, eocd - 20, 4);
      if (u32(locator, 0) === ZIP64_LOCATOR_SIG)
        throw new ZipError("zip_zip64_unsupported", "the archive is zip64 (over 4 GB or 65535 entries), which the registry does not read");
    }
    const disk = u16(tail, rel + 4);
    const cdDisk = u16(tail, rel + 6);
    const count = u16(tail, rel + 10);
    const cdSize = u32(tail, rel + 12);
    const cdOffset = u32(tail, rel + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
      throw new ZipError("zip_zip64_unsupported", "the archive uses zip64 fields, which the registry does not read");
    if (disk !== 0 || cdDisk !== 0) throw new ZipError("zip_malformed", "multi-disk archives are not supported");
    if (count > lim.maxEntries)
      throw new ZipError("zip_too_many_entries", `the archive has ${count} entries, more than the ${lim.maxEntries} allowed`);
    // Data prepended to the archive (self-extractors, polyglots) shifts every offset; zipfile
    // compensates the same way, so a loader would find these entries.
    const base = eocd - cdSize - cdOffset;
    if (base < 0) throw new ZipError("zip_malformed", "the central directory lies outside the archive");
    const win = new Window(source);
    try {
      const entries = await run(readDirectory(win, { at: base + cdOffset, count, eocd, base }), signal);
      return new ZipArchive(source, entries, lim);
    } finally {
      win.close();
    }
  }

  /** Where an entry's data starts, after checking that it can be read at all. */
  private async dataStart(entry: ZipEntry): Promise<number> {
    if (entry.encrypted) throw new ZipError("zip_encrypted_entry", `entry '${entry.name}' is encrypted and cannot be inspected`);
    if (entry.method !== 0 && entry.method !== 8)
      throw new ZipError("zip_unsupported_method", `entry '${entry.name}' uses compression method ${entry.method}; only stored (0) and deflate (8) can be inspected`);
    const at = entry.localHeaderOffset;
    const header = at + 30 <= this.source.size ? await readRange(this.source, at, 30) : undefined;
    if (!header || u32(header, 0) !== LOCAL_SIG) throw new ZipError("zip_malformed", `entry '${entry.name}' has no local header at byte ${at}`);
    const start = at + 30 + u16(header, 26) + u16(header, 28);
    // Sizes come from the central directory: the local header may defer them to a data descriptor.
    if (start + entry.compressedSize > this.source.size)
      throw new ZipError("zip_malformed", `entry '${entry.name}' runs past the end of the archive`);
    return start;
  }

  /** The first bytes of an entry, without inflating the rest (used to sniff pickles). */
  async peek(entry: ZipEntry, n: number): Promise<Uint8Array> {
    const start = await this.dataStart(entry);
    if (entry.method === 0) return readRange(this.source, start, Math.min(n, entry.compressedSize));
    const prefix = await readRange(this.source, start, Math.min(entry.compressedSize, 1024));
    try {
      // A sync flush over a prefix yields whatever that prefix decodes to, without needing the end of the stream.
      const out = inflateRawSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      return out.subarray(0, n);
    } catch {
      return new Uint8Array(0);
    }
  }

  /**
   * An entry's content as a source, once it has been read through and verified: the inflated size is
   * bounded by the archive's remaining budget, whatever the (attacker-written) declared size says,
   * and the declared size and CRC must then match. Small entries are kept from that pass; larger
   * ones are read again (a stored entry by a ranged read, a deflated one by inflating it again).
   */
  async open(entry: ZipEntry, signal?: AbortSignal): Promise<ByteSource> {
    const data = sliceSource(this.source, await this.dataStart(entry), entry.compressedSize);
    const budget = this.limits.maxTotalBytes - this.inflatedSoFar;
    let measured: Measured;
    if (entry.method === 0) {
      if (data.size > budget) throw this.tooLarge(entry);
      measured = await measure(data.read(0), { maxBytes: Number.POSITIVE_INFINITY, keepWhole: KEEP_IN_MEMORY_BYTES, crc: true, signal });
    } else {
      if (entry.uncompressedSize > budget) throw this.tooLarge(entry);
      try {
        measured = await measure(inflateStream(data, "deflate-raw"), {
          maxBytes: Math.max(1, Math.min(budget, entry.uncompressedSize + 1)),
          keepWhole: KEEP_IN_MEMORY_BYTES,
          crc: true,
          signal,
        });
      } catch (e) {
        if (e instanceof StreamTooLargeError) throw this.tooLarge(entry);
        if (signal?.aborted || !(e as { code?: string }).code?.startsWith("Z_")) throw e;
        throw new ZipError("zip_malformed", `entry '${entry.name}' is not valid deflate data (${(e as Error).message})`);
      }
    }
    this.inflatedSoFar += measured.size;
    if (measured.size !== entry.uncompressedSize)
      throw new ZipError("zip_malformed", `entry '${entry.name}' holds ${measured.size} bytes but its header says ${entry.uncompressedSize}`);
    if (measured.crc !== entry.crc32) throw new ZipError("zip_malformed", `entry '${entry.name}' fails its CRC-32 check`);
    if (measured.bytes) return bytesSource(measured.bytes);
    return entry.method === 0 ? { ...data, tail: measured.tail } : inflatedSource(data, "deflate-raw", measured.size, measured.tail);
  }

  private tooLarge(entry: ZipEntry): ZipError {
    return new ZipError(
      "zip_too_large",
      `entry '${entry.name}' would inflate past the ${this.limits.maxTotalBytes}-byte limit for this archive (possible zip bomb)`,
    );
  }
}

/** The central directory's entries, read in order through a window (it can be large). */
function* readDirectory(win: Window, d: { at: number; count: number; eocd: number; base: number }): Wait<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  let at = d.at;
  for (let i = 0; i < d.count; i++) {
    if (at + 46 <= d.eocd) yield* win.fill(at, at + 46);
    if (at + 46 > d.eocd || u32(win.view(at, at + 4), 0) !== CENTRAL_SIG)
      throw new ZipError("zip_malformed", `central directory entry ${i} is damaged (byte ${at})`);
    const header = win.view(at, at + 46);
    const flags = u16(header, 8);
    const method = u16(header, 10);
    const crc = u32(header, 16);
    const compressedSize = u32(header, 20);
    const uncompressedSize = u32(header, 24);
    const nameLength = u16(header, 28);
    const extraLength = u16(header, 30);
    const commentLength = u16(header, 32);
    const localHeaderOffset = u32(header, 42);
    if (at + 46 + nameLength > d.eocd) throw new ZipError("zip_malformed", `central directory entry ${i} has a name past its end`);
    yield* win.fill(at + 46, at + 46 + nameLength);
    const name = new TextDecoder("utf-8").decode(win.view(at + 46, at + 46 + nameLength));
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff)
      throw new ZipError("zip_zip64_unsupported", `entry '${name}' uses zip64 sizes, which the registry does not read`);
    entries.push({ name, method, compressedSize, uncompressedSize, crc32: crc, encrypted: (flags & 1) !== 0, localHeaderOffset: d.base + localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The PyTorch/joblib ways a pickle sits in a zip: by name, or by content starting with PROTO (0x80). */
export function looksLikePickleEntry(name: string, firstBytes: Uint8Array): boolean {
  if (/\.(pkl|pickle|joblib)$/i.test(name)) return true;
  return firstBytes.length >= 2 && firstBytes[0] === 0x80 && firstBytes[1]! >= 2 && firstBytes[1]! <= 5;
}
