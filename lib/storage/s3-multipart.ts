// S3 multipart mechanics used by the S3 driver: cutting a byte stream into fixed-size parts, and a
// multipart upload with a bounded number of parts in flight. Memory is partSize × (concurrency + 1)
// whatever the object size. Nothing here decides *whether* to complete: the driver completes only
// after the whole stream was read and its digest verified, and aborts otherwise.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type CompletedPart,
  type S3Client,
} from "@aws-sdk/client-s3";

/** S3 limits (also what MinIO, Ceph and R2 implement). */
export const S3_LIMITS = {
  minPartBytes: 5 * 1024 ** 2,
  maxPartBytes: 5 * 1024 ** 3,
  maxParts: 10_000,
  /** CopyObject refuses sources larger than this; bigger copies go part by part. */
  maxCopyObjectBytes: 5 * 1024 ** 3,
} as const;

/**
 * Cuts a stream of chunks into parts of exactly `partSize` bytes. A part is released only once more
 * bytes follow it, so at the end of the stream `finish()` returns the last (possibly short, possibly
 * only) part — which tells the driver whether the whole object fit in a single part.
 */
export class PartAssembler {
  readonly #chunks: Buffer[] = [];
  #length = 0;

  constructor(readonly partSize: number) {}

  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const parts: Buffer[] = [];
    while (this.#length > this.partSize) parts.push(this.#take(this.partSize));
    return parts;
  }

  /** The remaining bytes (0..partSize of them). */
  finish(): Buffer {
    return this.#take(this.#length);
  }

  #take(bytes: number): Buffer {
    const part = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const head = this.#chunks[0]!;
      const n = Math.min(head.length, bytes - filled);
      head.copy(part, filled, 0, n);
      filled += n;
      if (n === head.length) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(n);
    }
    this.#length -= bytes;
    return part;
  }
}

type MultipartTarget = { client: S3Client; bucket: string; key: string; signal?: AbortSignal };

/**
 * One multipart upload. Parts are sent with at most `concurrency` in flight; `uploadPart` waits for a
 * free slot, which is what gives backpressure to the reading side. A failed part is reported by the
 * next `uploadPart`/`complete` call.
 */
export class MultipartUpload {
  readonly #target: MultipartTarget;
  readonly #uploadId: string;
  readonly #concurrency: number;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #parts: CompletedPart[] = [];
  #nextPartNumber = 1;
  #failure: unknown;
  #finished = false;

  private constructor(target: MultipartTarget, uploadId: string, concurrency: number) {
    this.#target = target;
    this.#uploadId = uploadId;
    this.#concurrency = concurrency;
  }

  static async start(
    target: MultipartTarget,
    opts: { concurrency: number; checksumAlgorithm?: ChecksumAlgorithm },
  ): Promise<MultipartUpload> {
    const { client, bucket, key, signal } = target;
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: "application/octet-stream",
        ChecksumAlgorithm: opts.checksumAlgorithm,
      }),
      { abortSignal: signal },
    );
    if (!created.UploadId) throw new Error(`CreateMultipartUpload for ${key} returned no UploadId`);
    return new MultipartUpload(target, created.UploadId, opts.concurrency);
  }

  get key(): string {
    return this.#target.key;
  }

  /** Sends `body` as the next part; resolves once it is in flight (not when it is uploaded). */
  async uploadPart(body: Buffer): Promise<void> {
    const partNumber = await this.#claimSlot();
    const { client, bucket, key, signal } = this.#target;
    this.#track(
      client
        .send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: this.#uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.length,
          }),
          { abortSignal: signal },
        )
        .then((result) => ({
          PartNumber: partNumber,
          ETag: result.ETag,
          // Echo per-part checksums: S3 requires them in Complete when the upload declared an algorithm.
          ChecksumCRC32: result.ChecksumCRC32,
          ChecksumCRC32C: result.ChecksumCRC32C,
          ChecksumSHA1: result.ChecksumSHA1,
          ChecksumSHA256: result.ChecksumSHA256,
        })),
    );
  }

  /** Server-side copy of `source` bytes [start, end] as the next part (for copies over 5 GiB). */
  async copyPart(sourceBucket: string, sourceKey: string, start: number, end: number): Promise<void> {
    const partNumber = await this.#claimSlot();
    const { client, bucket, key, signal } = this.#target;
    this.#track(
      client
        .send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: key,
            UploadId: this.#uploadId,
            PartNumber: partNumber,
            CopySource: copySource(sourceBucket, sourceKey),
            CopySourceRange: `bytes=${start}-${end}`,
          }),
          { abortSignal: signal },
        )
        .then((result) => ({ PartNumber: partNumber, ETag: result.CopyPartResult?.ETag })),
    );
  }

  /**
   * Waits for all parts, then makes the object visible. `ifNoneMatch` adds `If-None-Match: *` so a
   * server that supports conditional writes refuses to replace an existing object (412).
   */
  async complete(opts: { ifNoneMatch: boolean }): Promise<void> {
    await Promise.all(this.#inFlight);
    if (this.#failure !== undefined) throw this.#failure;
    const { client, bucket, key, signal } = this.#target;
    signal?.throwIfAborted();
    const parts = [...this.#parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.#uploadId,
        MultipartUpload: { Parts: parts },
        IfNoneMatch: opts.ifNoneMatch ? "*" : undefined,
      }),
      { abortSignal: signal },
    );
    this.#finished = true;
  }

  /**
   * Discards the uploaded parts so nothing becomes visible and storage is not billed for them.
   * Best effort and never throws: it runs while another error is propagating (which must not be
   * masked), and some S3-compatible servers do not implement it (s3rver). A bucket lifecycle rule
   * "AbortIncompleteMultipartUpload" is the backstop on real deployments.
   */
  async abort(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    // Parts still uploading could otherwise re-create storage after the abort.
    await Promise.allSettled(this.#inFlight);
    const { client, bucket, key } = this.#target;
    // No abort signal here: cleanup must run even (especially) when the caller aborted.
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: this.#uploadId }))
      .catch(() => undefined);
  }

  async #claimSlot(): Promise<number> {
    while (this.#inFlight.size >= this.#concurrency) await Promise.race(this.#inFlight);
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#nextPartNumber > S3_LIMITS.maxParts) {
      throw new Error(`Multipart upload to ${this.#target.key} exceeds ${S3_LIMITS.maxParts} parts`);
    }
    return this.#nextPartNumber++;
  }

  #track(request: Promise<CompletedPart>): void {
    const settled: Promise<void> = request
      .then((part) => {
        if (!part.ETag) throw new Error(`Part ${part.PartNumber} of ${this.#target.key}: response has no ETag`);
        this.#parts.push(part);
      })
      .catch((error: unknown) => {
        this.#failure ??= error;
      })
      .finally(() => this.#inFlight.delete(settled));
    this.#inFlight.add(settled);
  }
}

/** `x-amz-copy-source` value: bucket/key, URL-encoded per segment. */
export function copySource(bucket: string, key: string): string {
  return [bucket, ...key.split("/")].map(encodeURIComponent).join("/");
}
