// Filesystem ObjectStore: the embedded default. Layout under `dir`:
//   sha256/<hex[0:2]>/<hex>   published blobs, read-only (0o444); the two-char shard keeps directories small
//   .tmp/<uuid>.part          uploads in progress; never listed, removed on success and on failure
// Publishing uses link(2): it is atomic and fails with EEXIST instead of replacing an existing file,
// which is exactly the write-once guarantee (rename(2) would silently overwrite).
import { randomUUID } from "node:crypto";
import { createWriteStream, constants as fsConstants } from "node:fs";
import { access, chmod, link, mkdir, open, opendir, rm, stat, statfs } from "node:fs/promises";
import path from "node:path";
import { pipeline as pipelineCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertValidDigest, meteringTransform, parsePutOptions, Sha256Meter, verifyingTransform } from "./hashing.ts";
import { assertRangeWithin, rangeLength } from "./range.ts";
import { toReadable } from "./source.ts";
import {
  BlobNotFoundError,
  DigestMismatchError,
  type BlobSource,
  type ByteRange,
  type GetBlobResult,
  type ObjectStore,
  type PutBlobOptions,
  type PutBlobResult,
  type StoreHealth,
  type StoredBlob,
} from "./types.ts";

const SHARD = /^[0-9a-f]{2}$/;
/** Downloads pass every chunk through hashing and web streams; 1 MiB chunks instead of the default
 * 64 KiB cut that per-chunk overhead 16-fold at a fixed 1 MiB of memory per download. */
const READ_CHUNK = 1024 * 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export class FilesystemObjectStore implements ObjectStore {
  readonly kind = "filesystem" as const;
  readonly dir: string;
  readonly #blobRoot: string;
  readonly #tmpDir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.#blobRoot = path.join(this.dir, "sha256");
    // Inside `dir` so link(2) stays on one filesystem (it cannot cross devices).
    this.#tmpDir = path.join(this.dir, ".tmp");
  }

  async ensureReady(): Promise<void> {
    await mkdir(this.#blobRoot, { recursive: true });
    await mkdir(this.#tmpDir, { recursive: true });
  }

  async putBlob(source: BlobSource, opts?: PutBlobOptions): Promise<PutBlobResult> {
    const { expectedSha256, maxBytes, signal } = parsePutOptions(opts);
    signal?.throwIfAborted();
    await mkdir(this.#tmpDir, { recursive: true });
    const tmp = path.join(this.#tmpDir, `${randomUUID()}.part`);
    const meter = new Sha256Meter(maxBytes);
    try {
      await pipeline(
        toReadable(source),
        meteringTransform(meter),
        createWriteStream(tmp, { flags: "wx", mode: 0o600 }),
        { signal },
      );
      const digest = meter.digest();
      if (expectedSha256 !== undefined && digest !== expectedSha256) {
        throw new DigestMismatchError(expectedSha256, digest);
      }
      signal?.throwIfAborted();
      // Durable before visible: a crash after link() must not leave a published blob with missing bytes.
      await fsyncPath(tmp, "r+");
      // Read-only before publishing: the link shares the inode, so the blob is never writable at its address.
      await chmod(tmp, 0o444);
      const final = this.#pathFor(digest);
      await mkdir(path.dirname(final), { recursive: true });
      let created = true;
      try {
        await link(tmp, final);
      } catch (error) {
        // Same name means same bytes (content addressing): the existing blob is the one we'd have written.
        if (errorCode(error) !== "EEXIST") throw error;
        created = false;
      }
      if (created) await fsyncPath(path.dirname(final), "r"); // persist the new directory entry
      return { digest, size: meter.size, created };
    } finally {
      // On success the published link keeps the inode alive; on failure this is the cleanup.
      await rm(tmp, { force: true });
    }
  }

  async statBlob(digest: string): Promise<{ size: number } | null> {
    assertValidDigest(digest);
    try {
      const info = await stat(this.#pathFor(digest));
      return { size: info.size };
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      throw error;
    }
  }

  async getBlob(digest: string, opts: { range?: ByteRange } = {}): Promise<GetBlobResult> {
    assertValidDigest(digest);
    let handle;
    try {
      handle = await open(this.#pathFor(digest), "r");
    } catch (error) {
      if (errorCode(error) === "ENOENT") throw new BlobNotFoundError(digest);
      throw error;
    }
    // Size from the open handle, not the path: consistent with the bytes we are about to stream.
    let size: number;
    try {
      size = (await handle.stat()).size;
      if (opts.range) assertRangeWithin(opts.range, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
    // From here the read stream owns the handle and closes it on end, error or destroy.
    if (opts.range) {
      const { start, end } = opts.range;
      return { stream: handle.createReadStream({ start, end, highWaterMark: READ_CHUNK }), size, contentLength: rangeLength(opts.range) };
    }
    const verified = verifyingTransform(digest);
    // pipeline (not .pipe) so a read error reaches the consumer and a consumer's destroy closes the file.
    pipelineCallback(handle.createReadStream({ highWaterMark: READ_CHUNK }), verified, () => {
      // Errors are delivered to the consumer through `verified` itself.
    });
    return { stream: verified, size, contentLength: size };
  }

  async *listBlobs(): AsyncIterable<StoredBlob> {
    let shards;
    try {
      shards = await opendir(this.#blobRoot);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return;
      throw error;
    }
    // opendir streams directory entries, so listing millions of blobs does not build a huge array.
    for await (const shard of shards) {
      if (!shard.isDirectory() || !SHARD.test(shard.name)) continue;
      for await (const entry of await opendir(path.join(this.#blobRoot, shard.name))) {
        if (!entry.isFile() || !SHA256_HEX.test(entry.name) || !entry.name.startsWith(shard.name)) continue;
        let info;
        try {
          info = await stat(path.join(this.#blobRoot, shard.name, entry.name));
        } catch (error) {
          if (errorCode(error) === "ENOENT") continue; // deleted by a concurrent GC
          throw error;
        }
        yield { digest: entry.name, size: info.size, lastModified: info.mtime };
      }
    }
  }

  async deleteUnreferencedBlob(digest: string): Promise<void> {
    assertValidDigest(digest);
    // Only the file: removing an emptied shard directory could race with a concurrent put between
    // its mkdir() and link() and make that put fail.
    await rm(this.#pathFor(digest), { force: true });
  }

  async health(): Promise<StoreHealth> {
    const base = { driver: "filesystem", objectLock: false } as const;
    try {
      await access(this.dir, fsConstants.R_OK | fsConstants.W_OK);
      const fsInfo = await statfs(this.dir);
      const freeGiB = (Number(fsInfo.bavail) * Number(fsInfo.bsize)) / 1024 ** 3;
      return { ...base, ok: true, detail: `${this.dir} (${freeGiB.toFixed(1)} GiB free)` };
    } catch (error) {
      return { ...base, ok: false, detail: `${this.dir}: ${(error as Error).message}` };
    }
  }

  #pathFor(digest: string): string {
    return path.join(this.#blobRoot, digest.slice(0, 2), digest);
  }
}

async function fsyncPath(target: string, flags: "r" | "r+"): Promise<void> {
  const handle = await open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
