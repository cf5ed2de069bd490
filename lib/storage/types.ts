// The ObjectStore contract and its closed set of errors. Blobs are content-addressed: a blob's name
// is the sha256 of its bytes, so "same key" always means "same bytes", which is what makes
// write-once, dedupe and verify-on-read possible without any metadata database.
import type { Readable } from "node:stream";

/** A stored blob's identity. `digest` is the lowercase sha256 hex of the bytes. */
export type BlobInfo = { digest: string; size: number };

/** What putBlob accepts: a Node stream (e.g. a multipart file part) or any async iterable of bytes. */
export type BlobSource = NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

export type PutBlobOptions = {
  /** The digest the caller claims the bytes have (e.g. from a manifest). Mismatch => DigestMismatchError. */
  expectedSha256?: string;
  /** Upper bound on the number of bytes; reading stops as soon as it is exceeded. */
  maxBytes?: number;
  /** Aborts the upload; nothing becomes visible and temporary data is removed. */
  signal?: AbortSignal;
};

/** `created: false` means the bytes were already stored (dedupe); they were still fully read and verified. */
export type PutBlobResult = BlobInfo & { created: boolean };

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export type ByteRange = { start: number; end: number };

export type GetBlobResult = {
  /** Full reads verify the sha256 while flowing and fail with BlobCorruptError at the end on mismatch. */
  stream: Readable;
  /** Size of the whole blob (for `Content-Range: bytes a-b/size`). */
  size: number;
  /** Number of bytes the stream will deliver (the range length for range reads). */
  contentLength: number;
};

export type StoredBlob = BlobInfo & { lastModified: Date };

export type StoreHealth = {
  ok: boolean;
  driver: string;
  /** Whether the backend itself refuses overwrites/deletes (S3 Object Lock); "unknown" if it can't say. */
  objectLock: boolean | "unknown";
  detail?: string;
};

export interface ObjectStore {
  readonly kind: "s3" | "filesystem";

  /**
   * Creates what the store needs to exist (directories, the bucket). Called on the registry's first
   * start and by tests; safe to call repeatedly.
   */
  ensureReady(): Promise<void>;

  /**
   * Streams bytes in, computing sha256 + size on the fly, and stores them at `sha256/<hex>`, write-once.
   * - identical bytes twice => stored once (`created: false` the second time, still fully read & verified);
   * - `expectedSha256` mismatching => DigestMismatchError and nothing becomes visible at any content address;
   * - more than `maxBytes` => BlobTooLargeError as soon as the limit is crossed, nothing stored;
   * - source error / abort => that error propagates, nothing visible, temporary data cleaned up.
   * Memory use is bounded by the driver's buffer sizes, never by the blob size.
   */
  putBlob(source: BlobSource, opts?: PutBlobOptions): Promise<PutBlobResult>;

  /** `null` when no blob has that digest. */
  statBlob(digest: string): Promise<{ size: number } | null>;

  /**
   * Full read: the stream verifies the sha256 as it flows and is destroyed with BlobCorruptError at
   * the end if the stored bytes don't match their name (the last chunk is held back until verified,
   * so a consumer never receives the complete bytes of a corrupt blob).
   * Range read: served as-is, because a partial read cannot be verified.
   * Missing => BlobNotFoundError; range outside the blob => RangeNotSatisfiableError.
   */
  getBlob(digest: string, opts?: { range?: ByteRange }): Promise<GetBlobResult>;

  /**
   * Iterates stored blobs, for garbage collection of bytes written by uploads whose version was never
   * created. Streams (no full listing in memory); order is unspecified.
   */
  listBlobs(): AsyncIterable<StoredBlob>;

  /**
   * Removes a blob that NO version references. The caller (the GC, after a grace period) guarantees
   * that; this is the only delete in the codebase, hence the deliberately narrow name.
   * Deleting a blob that does not exist is a no-op, so concurrent GC runs are harmless.
   */
  deleteUnreferencedBlob(digest: string): Promise<void>;

  health(): Promise<StoreHealth>;

  /** Releases connections (S3 client sockets). */
  close?(): Promise<void>;
}

/** Base class so the HTTP layer can map storage errors in one place. */
export class ObjectStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A digest argument that is not 64 lowercase hex chars. Digests become keys/paths, so this is a security check. */
export class InvalidDigestError extends ObjectStoreError {
  constructor(readonly value: unknown) {
    // Never echo an arbitrarily long (or multi-line) attacker-supplied string into logs.
    super(`Invalid sha256 digest ${JSON.stringify(String(value).slice(0, 80))}: expected 64 lowercase hex characters`);
  }
}

/** The uploaded bytes do not hash to the digest the caller announced. */
export class DigestMismatchError extends ObjectStoreError {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`sha256 mismatch: expected ${expected}, got ${actual}`);
  }
}

/** The upload exceeded its byte limit (caller's maxBytes or the backend's own maximum). */
export class BlobTooLargeError extends ObjectStoreError {
  constructor(readonly maxBytes: number) {
    super(`Blob exceeds the limit of ${maxBytes} bytes`);
  }
}

export class BlobNotFoundError extends ObjectStoreError {
  constructor(readonly digest: string) {
    super(`Blob sha256:${digest} not found`);
  }
}

/** Stored bytes no longer hash to their name: bit rot or tampering. Never silently served. */
export class BlobCorruptError extends ObjectStoreError {
  constructor(
    readonly digest: string,
    readonly actual: string,
  ) {
    super(`Blob sha256:${digest} is corrupt: its bytes hash to ${actual}`);
  }
}

/** `size` is the blob's size when known, for `Content-Range: bytes *\/size`. */
export class RangeNotSatisfiableError extends ObjectStoreError {
  constructor(
    readonly range: ByteRange,
    readonly size: number | undefined,
  ) {
    super(`Range ${range.start}-${range.end} not satisfiable${size === undefined ? "" : ` for a blob of ${size} bytes`}`);
  }
}
