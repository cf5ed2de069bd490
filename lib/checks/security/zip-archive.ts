// Minimal zip reader for finding pickles inside archives (PyTorch's torch.save format, .npz, zipped
// joblib dumps). Reads the central directory like Python's zipfile and PyTorch's miniz do, supports
// only what those writers produce (stored and deflate, no zip64, no encryption) and refuses the rest
// with a reason. Every size is bounded because the archive is attacker-controlled (zip bombs).
import { crc32, inflateRawSync, constants as zlibConstants } from "node:zlib";

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
    private readonly bytes: Uint8Array,
    readonly entries: ZipEntry[],
    private readonly limits: ZipLimits,
  ) {}

  /** Parses the central directory. Throws ZipError for archives it will not read. */
  static open(bytes: Uint8Array, limits: Partial<ZipLimits> = {}): ZipArchive {
    const lim = { ...defaultZipLimits, ...limits };
    const eocd = findEndOfCentralDirectory(bytes);
    if (eocd < 0) throw new ZipError("zip_malformed", "no zip end-of-central-directory record");
    if (eocd >= 20 && u32(bytes, eocd - 20) === ZIP64_LOCATOR_SIG)
      throw new ZipError("zip_zip64_unsupported", "the archive is zip64 (over 4 GB or 65535 entries), which the registry does not read");
    const disk = u16(bytes, eocd + 4);
    const cdDisk = u16(bytes, eocd + 6);
    const count = u16(bytes, eocd + 10);
    const cdSize = u32(bytes, eocd + 12);
    const cdOffset = u32(bytes, eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
      throw new ZipError("zip_zip64_unsupported", "the archive uses zip64 fields, which the registry does not read");
    if (disk !== 0 || cdDisk !== 0) throw new ZipError("zip_malformed", "multi-disk archives are not supported");
    if (count > lim.maxEntries)
      throw new ZipError("zip_too_many_entries", `the archive has ${count} entries, more than the ${lim.maxEntries} allowed`);
    // Data prepended to the archive (self-extractors, polyglots) shifts every offset; zipfile
    // compensates the same way, so a loader would find these entries.
    const base = eocd - cdSize - cdOffset;
    if (base < 0) throw new ZipError("zip_malformed", "the central directory lies outside the archive");

    const entries: ZipEntry[] = [];
    let at = base + cdOffset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > eocd || u32(bytes, at) !== CENTRAL_SIG)
        throw new ZipError("zip_malformed", `central directory entry ${i} is damaged (byte ${at})`);
      const flags = u16(bytes, at + 8);
      const method = u16(bytes, at + 10);
      const crc = u32(bytes, at + 16);
      const compressedSize = u32(bytes, at + 20);
      const uncompressedSize = u32(bytes, at + 24);
      const nameLength = u16(bytes, at + 28);
      const extraLength = u16(bytes, at + 30);
      const commentLength = u16(bytes, at + 32);
      const localHeaderOffset = u32(bytes, at + 42);
      if (at + 46 + nameLength > eocd) throw new ZipError("zip_malformed", `central directory entry ${i} has a name past its end`);
      const name = new TextDecoder("utf-8").decode(bytes.subarray(at + 46, at + 46 + nameLength));
      if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff)
        throw new ZipError("zip_zip64_unsupported", `entry '${name}' uses zip64 sizes, which the registry does not read`);
      entries.push({ name, method, compressedSize, uncompressedSize, crc32: crc, encrypted: (flags & 1) !== 0, localHeaderOffset: base + localHeaderOffset });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return new ZipArchive(bytes, entries, lim);
  }

  private compressedData(entry: ZipEntry): Uint8Array {
    if (entry.encrypted) throw new ZipError("zip_encrypted_entry", `entry '${entry.name}' is encrypted and cannot be inspected`);
    if (entry.method !== 0 && entry.method !== 8)
      throw new ZipError("zip_unsupported_method", `entry '${entry.name}' uses compression method ${entry.method}; only stored (0) and deflate (8) can be inspected`);
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length || u32(this.bytes, at) !== LOCAL_SIG)
      throw new ZipError("zip_malformed", `entry '${entry.name}' has no local header at byte ${at}`);
    const start = at + 30 + u16(this.bytes, at + 26) + u16(this.bytes, at + 28);
    // Sizes come from the central directory: the local header may defer them to a data descriptor.
    if (start + entry.compressedSize > this.bytes.length)
      throw new ZipError("zip_malformed", `entry '${entry.name}' runs past the end of the archive`);
    return this.bytes.subarray(start, start + entry.compressedSize);
  }

  /** The first bytes of an entry, without inflating the rest (used to sniff pickles). */
  peek(entry: ZipEntry, n: number): Uint8Array {
    const data = this.compressedData(entry);
    if (entry.method === 0) return data.subarray(0, n);
    try {
      // A sync flush over a prefix yields whatever that prefix decodes to, without needing the end of the stream.
      const out = inflateRawSync(data.subarray(0, Math.min(data.length, 1024)), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      return out.subarray(0, n);
    } catch {
      return new Uint8Array(0);
    }
  }

  /**
   * Reads a whole entry. The inflated size is bounded by the archive's remaining budget, whatever the
   * (attacker-written) declared size says; the declared size and CRC must then match.
   */
  read(entry: ZipEntry): Uint8Array {
    const data = this.compressedData(entry);
    const budget = this.limits.maxTotalBytes - this.inflatedSoFar;
    let out: Uint8Array;
    if (entry.method === 0) {
      if (data.length > budget) throw this.tooLarge(entry);
      out = data;
    } else {
      if (entry.uncompressedSize > budget) throw this.tooLarge(entry);
      try {
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(budget, entry.uncompressedSize + 1)) });
      } catch (e) {
        if (e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw this.tooLarge(entry);
        throw new ZipError("zip_malformed", `entry '${entry.name}' is not valid deflate data (${(e as Error).message})`);
      }
    }
    this.inflatedSoFar += out.length;
    if (out.length !== entry.uncompressedSize)
      throw new ZipError("zip_malformed", `entry '${entry.name}' holds ${out.length} bytes but its header says ${entry.uncompressedSize}`);
    if (crc32(out) !== entry.crc32) throw new ZipError("zip_malformed", `entry '${entry.name}' fails its CRC-32 check`);
    return out;
  }

  private tooLarge(entry: ZipEntry): ZipError {
    return new ZipError(
      "zip_too_large",
      `entry '${entry.name}' would inflate past the ${this.limits.maxTotalBytes}-byte limit for this archive (possible zip bomb)`,
    );
  }
}

/** The PyTorch/joblib ways a pickle sits in a zip: by name, or by content starting with PROTO (0x80). */
export function looksLikePickleEntry(name: string, firstBytes: Uint8Array): boolean {
  if (/\.(pkl|pickle|joblib)$/i.test(name)) return true;
  return firstBytes.length >= 2 && firstBytes[0] === 0x80 && firstBytes[1]! >= 2 && firstBytes[1]! <= 5;
}
