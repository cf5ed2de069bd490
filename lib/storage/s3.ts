// S3 ObjectStore for any S3-compatible endpoint (AWS, MinIO, Ceph RGW, R2, Garage; s3rver in tests).
// Blobs live at `sha256/<hex>`. The digest is only known once the whole stream has been read, so
// putBlob picks one of three paths (see putBlob). Write-once rests on two legs, because not every
// server enforces conditional writes (s3rver ignores If-None-Match):
//   1. HEAD before writing: an existing key is never written again;
//   2. content addressing: if a race slips past the HEAD, the "overwrite" has identical bytes.
// If-None-Match: * is still sent wherever S3 supports it, so real S3 closes the race window too.
import { randomUUID } from "node:crypto";
import { Readable, pipeline as pipelineCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type BucketLocationConstraint,
  type GetObjectCommandOutput,
} from "@aws-sdk/client-s3";
import type { Config } from "@/lib/config";
import { assertValidDigest, meteringTransform, parsePutOptions, Sha256Meter, verifyingTransform } from "./hashing.ts";
import { assertRangeShape, assertRangeWithin, rangeLength } from "./range.ts";
import { copySource, MultipartUpload, PartAssembler, S3_LIMITS } from "./s3-multipart.ts";
import { toReadable } from "./source.ts";
import {
  BlobNotFoundError,
  DigestMismatchError,
  RangeNotSatisfiableError,
  type BlobSource,
  type ByteRange,
  type GetBlobResult,
  type ObjectStore,
  type PutBlobOptions,
  type PutBlobResult,
  type StoreHealth,
  type StoredBlob,
} from "./types.ts";

export type S3StorageConfig = Extract<Config["storage"], { kind: "s3" }>;

const BLOB_PREFIX = "sha256/";
/** Staging area for uploads whose digest is not known up front. Not blobs; never listed as such. */
const STAGING_PREFIX = "uploads/";
const BLOB_KEY = /^sha256\/([0-9a-f]{64})$/;
/** Parts of a >5 GiB server-side copy (any size between 5 MiB and 5 GiB is allowed). */
const COPY_PART_BYTES = 512 * 1024 ** 2;

export type S3ObjectStoreOptions = {
  client: S3Client;
  bucket: string;
  /** Bytes per multipart part, and the largest object sent with a single PutObject. Default 8 MiB. */
  partSize?: number;
  /** Parts uploaded in parallel. Memory ≈ partSize × (partConcurrency + 1). Default 4. */
  partConcurrency?: number;
  /** Whether close() should destroy the client (true when the store created it). */
  ownsClient?: boolean;
};

/** An S3 client from the registry's config. Credentials fall back to the SDK's default chain. */
export function createS3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
    // Full reads are verified against the sha256 by us; the SDK re-hashing every download is waste.
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Creates the bucket if it does not exist (first start, tests). Idempotent and race-tolerant. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const region = await client.config.region();
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that must not be named as a location constraint.
        ...(region && region !== "us-east-1"
          ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }
          : {}),
      }),
    );
  } catch (error) {
    if (errorName(error) !== "BucketAlreadyOwnedByYou") throw error;
  }
}

export class S3ObjectStore implements ObjectStore {
  readonly kind = "s3" as const;
  readonly bucket: string;
  readonly #client: S3Client;
  readonly #partSize: number;
  readonly #partConcurrency: number;
  readonly #ownsClient: boolean;

  constructor(options: S3ObjectStoreOptions) {
    const partSize = options.partSize ?? 8 * 1024 ** 2;
    if (!Number.isSafeInteger(partSize) || partSize < S3_LIMITS.minPartBytes || partSize > S3_LIMITS.maxPartBytes) {
      throw new RangeError(`partSize must be between 5 MiB and 5 GiB (S3 limits), got ${partSize}`);
    }
    const partConcurrency = options.partConcurrency ?? 4;
    if (!Number.isSafeInteger(partConcurrency) || partConcurrency < 1) {
      throw new RangeError(`partConcurrency must be a positive integer, got ${partConcurrency}`);
    }
    this.#client = options.client;
    this.bucket = options.bucket;
    this.#partSize = partSize;
    this.#partConcurrency = partConcurrency;
    this.#ownsClient = options.ownsClient ?? false;
  }

  async ensureReady(): Promise<void> {
    await ensureBucket(this.#client, this.bucket);
  }

  /**
   * Three paths, chosen as bytes arrive:
   * - The digest was announced and is already stored: read and hash everything (the caller's claim is
   *   still verified), upload nothing.
   * - The whole body fits in one part: it is buffered (≤ partSize), hashed, then HEAD + PutObject to
   *   the final key. Nothing is sent before the digest is known and verified.
   * - Larger bodies: multipart upload, parts sent while reading (bounded concurrency). The upload
   *   targets the final key when the digest was announced — Complete is called only after the digest
   *   verified, otherwise the upload is aborted and never becomes visible. When the digest is not
   *   known up front the key can't be either, so the upload is staged at `uploads/<uuid>`, then
   *   server-side copied to `sha256/<hex>` (unless it already exists) and the staging object deleted.
   */
  async putBlob(source: BlobSource, opts?: PutBlobOptions): Promise<PutBlobResult> {
    const { expectedSha256, maxBytes, signal } = parsePutOptions(opts);
    signal?.throwIfAborted();
    // A multipart object can't have more than maxParts parts; refuse early instead of after 80 GiB.
    const meter = new Sha256Meter(Math.min(maxBytes, this.#partSize * S3_LIMITS.maxParts));
    const alreadyStored = expectedSha256 !== undefined && (await this.#exists(blobKey(expectedSha256), signal));
    const uploadKey = expectedSha256 !== undefined ? blobKey(expectedSha256) : `${STAGING_PREFIX}${randomUUID()}`;

    let multipart: MultipartUpload | undefined;
    let singlePart: Buffer | undefined;
    let staged: string | undefined;
    try {
      await pipeline(
        toReadable(source),
        meteringTransform(meter),
        async (chunks: AsyncIterable<Buffer>) => {
          if (alreadyStored) {
            for await (const _ of chunks); // verify only
            return;
          }
          const assembler = new PartAssembler(this.#partSize);
          for await (const chunk of chunks) {
            for (const part of assembler.push(chunk)) {
              multipart ??= await MultipartUpload.start(
                { client: this.#client, bucket: this.bucket, key: uploadKey, signal },
                { concurrency: this.#partConcurrency, checksumAlgorithm: await this.#partChecksumAlgorithm() },
              );
              await multipart.uploadPart(part);
            }
          }
          const rest = assembler.finish();
          if (multipart) await multipart.uploadPart(rest);
          else singlePart = rest;
        },
        { signal },
      );
      const digest = meter.digest();
      const size = meter.size;
      if (expectedSha256 !== undefined && digest !== expectedSha256) {
        throw new DigestMismatchError(expectedSha256, digest);
      }
      signal?.throwIfAborted();

      if (alreadyStored) return { digest, size, created: false };
      if (!multipart) return { digest, size, created: await this.#putSinglePart(digest, singlePart!, signal) };
      if (expectedSha256 !== undefined) {
        // Uploaded straight to the final key; 412 = an identical upload completed first.
        const created = await ignorePreconditionFailed(multipart.complete({ ifNoneMatch: true }));
        if (!created) await multipart.abort();
        return { digest, size, created };
      }
      await multipart.complete({ ifNoneMatch: false });
      staged = uploadKey;
      return { digest, size, created: await this.#promoteStaged(staged, digest, size, signal) };
    } catch (error) {
      await multipart?.abort();
      throw error;
    } finally {
      // Staging objects are scratch space, not blobs: deleting them is always safe. Best effort —
      // a leftover is only wasted space (a lifecycle rule on `uploads/` can expire those).
      if (staged) await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: staged })).catch(() => undefined);
    }
  }

  async statBlob(digest: string): Promise<{ size: number } | null> {
    assertValidDigest(digest);
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: blobKey(digest) }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getBlob(digest: string, opts: { range?: ByteRange } = {}): Promise<GetBlobResult> {
    assertValidDigest(digest);
    const { range } = opts;
    if (range) assertRangeShape(range);
    let response: GetObjectCommandOutput;
    try {
      response = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: blobKey(digest),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(digest);
      if (httpStatus(error) === 416) {
        // S3 checks existence before the range, so the blob exists; fetch its size for Content-Range.
        const size = (await this.statBlob(digest))?.size;
        throw new RangeNotSatisfiableError(range!, size);
      }
      throw error;
    }
    const body = response.Body;
    if (!(body instanceof Readable)) throw new Error("S3 GetObject returned a non-Node body");

    if (!range) {
      const size = response.ContentLength ?? 0;
      const verified = verifyingTransform(digest);
      pipelineCallback(body, verified, () => {
        // Errors reach the consumer through `verified`; a consumer's destroy releases the socket.
      });
      return { stream: verified, size, contentLength: size };
    }

    // Servers may answer a Range with more than asked: HTTP lets them ignore Range (200, full body),
    // and s3rver returns the whole object for `bytes=0-0`. Trust Content-Range, then cut exactly.
    const served = parseContentRange(response.ContentRange) ?? {
      start: 0,
      end: (response.ContentLength ?? 0) - 1,
      size: response.ContentLength ?? 0,
    };
    try {
      assertRangeWithin(range, served.size);
      if (served.start > range.start || served.end < range.end) {
        throw new Error(`S3 served bytes ${served.start}-${served.end} for requested ${range.start}-${range.end}`);
      }
    } catch (error) {
      body.destroy();
      throw error;
    }
    const stream = Readable.from(exactBytes(body, range.start - served.start, rangeLength(range)), {
      objectMode: false,
    });
    return { stream, size: served.size, contentLength: rangeLength(range) };
  }

  async *listBlobs(): AsyncIterable<StoredBlob> {
    // Page by page (1000 keys each): memory stays flat however many blobs exist.
    const pages = paginateListObjectsV2({ client: this.#client }, { Bucket: this.bucket, Prefix: BLOB_PREFIX });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const digest = BLOB_KEY.exec(object.Key ?? "")?.[1];
        if (!digest) continue; // foreign keys under sha256/ are not ours to report
        yield { digest, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
    }
  }

  async deleteUnreferencedBlob(digest: string): Promise<void> {
    assertValidDigest(digest);
    // S3 deletes are idempotent. With Object Lock (versioned bucket) this only adds a delete marker;
    // the locked version stays until its retention ends — which is what the lock is for.
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: blobKey(digest) }));
  }

  async health(): Promise<StoreHealth> {
    const driver = "s3";
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      return { ok: false, driver, objectLock: "unknown", detail: `bucket ${this.bucket}: ${describeError(error)}` };
    }
    return { ok: true, driver, objectLock: await this.#objectLockEnabled(), detail: `bucket ${this.bucket}` };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#client.destroy();
  }

  async #objectLockEnabled(): Promise<boolean | "unknown"> {
    try {
      const lock = await this.#client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }));
      return lock.ObjectLockConfiguration?.ObjectLockEnabled === "Enabled";
    } catch (error) {
      // S3 answers "not found" when the bucket has no lock; anything else (501 from s3rver, 403 for a
      // user without s3:GetBucketObjectLockConfiguration) means we can't tell.
      if (errorName(error) === "ObjectLockConfigurationNotFoundError") return false;
      return "unknown";
    }
  }

  async #exists(key: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Small objects: HEAD, then a conditional PutObject carrying the sha256 so S3 verifies the bytes too. */
  async #putSinglePart(digest: string, body: Buffer, signal?: AbortSignal): Promise<boolean> {
    const key = blobKey(digest);
    if (await this.#exists(key, signal)) return false;
    return ignorePreconditionFailed(
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: "application/octet-stream",
          IfNoneMatch: "*",
          // S3 recomputes it and rejects the PUT if the bytes that arrived differ from what we hashed.
          ChecksumSHA256: Buffer.from(digest, "hex").toString("base64"),
        }),
        { abortSignal: signal },
      ),
    );
  }

  /** Copies a completed staging object to its content address unless that already exists. */
  async #promoteStaged(stagingKey: string, digest: string, size: number, signal?: AbortSignal): Promise<boolean> {
    const key = blobKey(digest);
    if (await this.#exists(key, signal)) return false;
    if (size <= S3_LIMITS.maxCopyObjectBytes) {
      return ignorePreconditionFailed(
        this.#client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: key,
            CopySource: copySource(this.bucket, stagingKey),
            IfNoneMatch: "*",
          }),
          { abortSignal: signal },
        ),
      );
    }
    // CopyObject stops at 5 GiB; larger objects are copied range by range (still server-side).
    const copy = await MultipartUpload.start(
      { client: this.#client, bucket: this.bucket, key, signal },
      { concurrency: this.#partConcurrency },
    );
    try {
      for (let start = 0; start < size; start += COPY_PART_BYTES) {
        await copy.copyPart(this.bucket, stagingKey, start, Math.min(start + COPY_PART_BYTES, size) - 1);
      }
      const created = await ignorePreconditionFailed(copy.complete({ ifNoneMatch: true }));
      if (!created) await copy.abort();
      return created;
    } catch (error) {
      await copy.abort();
      throw error;
    }
  }

  /**
   * Mirrors @aws-sdk/lib-storage: when the SDK adds checksums to requests (its default), the multipart
   * upload must declare the algorithm up front, and Complete must echo each part's checksum.
   */
  async #partChecksumAlgorithm(): Promise<"CRC32" | undefined> {
    return (await this.#client.config.requestChecksumCalculation()) === "WHEN_SUPPORTED" ? "CRC32" : undefined;
  }
}

function blobKey(digest: string): string {
  return `${BLOB_PREFIX}${digest}`;
}

/** Yields exactly `take` bytes after skipping `skip`, then stops reading (which destroys `body`). */
async function* exactBytes(body: Readable, skip: number, take: number): AsyncGenerator<Buffer> {
  let toSkip = skip;
  let toTake = take;
  for await (const raw of body as AsyncIterable<Buffer>) {
    let chunk = raw;
    if (toSkip > 0) {
      const skipped = Math.min(toSkip, chunk.length);
      chunk = chunk.subarray(skipped);
      toSkip -= skipped;
    }
    if (chunk.length === 0) continue;
    if (chunk.length >= toTake) {
      yield chunk.subarray(0, toTake);
      return;
    }
    toTake -= chunk.length;
    yield chunk;
  }
  throw new Error(`S3 response ended ${toTake} bytes short of the requested range`);
}

/** `bytes 0-99/1234` → {start, end, size}; undefined when absent or unparsable. */
function parseContentRange(header: string | undefined): { start: number; end: number; size: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header ?? "");
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

/** Resolves true when the write happened, false when a conditional write found the key taken (412). */
async function ignorePreconditionFailed(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (httpStatus(error) === 412 || errorName(error) === "PreconditionFailed") return false;
    throw error;
  }
}

/** Missing key (or bucket, for HeadBucket). NoSuchBucket on an object call is a misconfiguration, not "no blob". */
function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  if (name === "NoSuchBucket") return false;
  return name === "NotFound" || name === "NoSuchKey" || httpStatus(error) === 404;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

function describeError(error: unknown): string {
  const status = httpStatus(error);
  return `${errorName(error) ?? "Error"}${status ? ` (HTTP ${status})` : ""}: ${(error as Error).message}`;
}
