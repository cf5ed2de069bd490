// sha256 as the storage layer uses it: validating digest arguments (they become keys and paths),
// metering bytes on the way in (hash + size + limit, without buffering), verifying on the way out.
import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import {
  BlobCorruptError,
  BlobTooLargeError,
  InvalidDigestError,
  type PutBlobOptions,
} from "./types.ts";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The single gate between caller-supplied digests and storage keys/file paths. Strict on purpose:
 * no uppercase (two names for one blob), no prefixes like "sha256:", nothing that could be `../`.
 */
export function assertValidDigest(digest: unknown): asserts digest is string {
  if (typeof digest !== "string" || !SHA256_HEX.test(digest)) throw new InvalidDigestError(digest);
}

/** putBlob options, checked before any byte is read. */
export type ParsedPutOptions = { expectedSha256?: string; maxBytes: number; signal?: AbortSignal };

export function parsePutOptions(opts: PutBlobOptions = {}): ParsedPutOptions {
  if (opts.expectedSha256 !== undefined) assertValidDigest(opts.expectedSha256);
  const maxBytes = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${opts.maxBytes}`);
  }
  return { expectedSha256: opts.expectedSha256, maxBytes, signal: opts.signal };
}

/**
 * Hashes and counts bytes incrementally. The limit is checked *before* a chunk is accepted, so an
 * oversized upload is refused at the first byte past the limit, not after it has been stored.
 */
export class Sha256Meter {
  readonly #hash = createHash("sha256");
  #size = 0;
  #digest: string | undefined;

  constructor(readonly maxBytes: number = Number.MAX_SAFE_INTEGER) {}

  update(chunk: Uint8Array): void {
    if (this.#digest !== undefined) throw new Error("Sha256Meter: update after digest");
    if (this.#size + chunk.byteLength > this.maxBytes) throw new BlobTooLargeError(this.maxBytes);
    this.#hash.update(chunk);
    this.#size += chunk.byteLength;
  }

  get size(): number {
    return this.#size;
  }

  /** Finalizes the hash (idempotent). */
  digest(): string {
    this.#digest ??= this.#hash.digest("hex");
    return this.#digest;
  }
}

/**
 * Pass-through that feeds every chunk to `meter`. Errors (limit exceeded) fail the pipeline, which
 * destroys the source: that is how "stop reading early" happens.
 */
export function meteringTransform(meter: Sha256Meter): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        meter.update(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, chunk);
    },
  });
}

/**
 * Pass-through for full reads that checks the bytes hash to `digest`. It always holds back the most
 * recent chunk and releases it only once the whole blob verified: a consumer (e.g. an HTTP response
 * with Content-Length) therefore never receives the complete bytes of a corrupt blob and cannot
 * mistake it for a good download. Costs one chunk of memory.
 */
export function verifyingTransform(digest: string): Transform {
  const hash = createHash("sha256");
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      const release = held;
      held = chunk.length > 0 ? chunk : held;
      if (chunk.length > 0 && release) callback(null, release);
      else callback();
    },
    flush(callback: TransformCallback) {
      const actual = hash.digest("hex");
      if (actual !== digest) {
        callback(new BlobCorruptError(digest, actual));
        return;
      }
      if (held) this.push(held);
      callback();
    },
  });
}
