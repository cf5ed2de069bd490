// The ObjectStore contract as a test suite. Every driver runs this same suite (filesystem.test.ts,
// s3.test.ts), so "the S3 driver behaves like the filesystem driver" is checked, not assumed.
// Expected values are computed independently with node:crypto, never by the code under test.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BlobCorruptError,
  BlobNotFoundError,
  BlobTooLargeError,
  DigestMismatchError,
  InvalidDigestError,
  RangeNotSatisfiableError,
  type ObjectStore,
} from "./types.ts";

export type ObjectStoreHarness = {
  store: ObjectStore;
  /** Size above which the driver uploads in parts (tests straddle it); any size for drivers without parts. */
  partSize: number;
  /** Replaces the stored bytes of `digest` behind the store's back (bit rot / tampering). */
  tamper(digest: string, bytes: Uint8Array): Promise<void>;
  /** Temporary or staging data currently left behind by uploads (must be empty when none is running). */
  leftovers(): Promise<string[]>;
  cleanup(): Promise<void>;
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function collectBytes(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Yields `bytes` in slices of `chunkSize` (the way a network upload arrives). */
export async function* inChunks(bytes: Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    yield bytes.subarray(offset, offset + chunkSize);
  }
}

/**
 * Deterministic pseudo-random bytes generated on the fly (xorshift32), `totalBytes` of them in 1 MiB
 * chunks: lets tests stream hundreds of MiB without holding them, and replay the same bytes to
 * compute the expected digest independently.
 */
export async function* generatedBytes(totalBytes: number, seed = 0x9e3779b9): AsyncGenerator<Uint8Array> {
  let state = seed >>> 0 || 1;
  const chunkBytes = 1024 * 1024;
  for (let produced = 0; produced < totalBytes; produced += chunkBytes) {
    const words = new Uint32Array(chunkBytes / 4);
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      words[i] = state >>> 0;
    }
    yield new Uint8Array(words.buffer, 0, Math.min(chunkBytes, totalBytes - produced));
  }
}

/** Streams through a hash without keeping the bytes. */
export async function digestOf(stream: AsyncIterable<Uint8Array>): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { digest: hash.digest("hex"), size };
}

async function listedDigests(store: ObjectStore): Promise<string[]> {
  const digests: string[] = [];
  for await (const blob of store.listBlobs()) digests.push(blob.digest);
  return digests.sort();
}

/** Source that yields `bytes` then fails, like a client disconnecting mid-upload. */
async function* failingAfter(bytes: Uint8Array, error: Error): AsyncGenerator<Uint8Array> {
  yield* inChunks(bytes);
  throw error;
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export function describeObjectStoreContract(
  name: string,
  makeHarness: () => Promise<ObjectStoreHarness>,
  options: { streamingTestBytes?: number } = {},
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let h: ObjectStoreHarness;
    let store: ObjectStore;

    beforeAll(async () => {
      h = await makeHarness();
      store = h.store;
      await store.ensureReady();
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    /** Puts must leave neither visible blobs nor temp/staging data behind when they fail. */
    async function expectNothingLeftBehind(before: string[]): Promise<void> {
      expect(await listedDigests(store)).toEqual(before);
      expect(await h.leftovers()).toEqual([]);
    }

    describe("putBlob / getBlob round trip", () => {
      it.each([1, 100, 65_537, 1024 * 1024 + 3])("stores %i bytes byte-identically with the correct digest", async (n) => {
        const bytes = randomBytes(n);
        const put = await store.putBlob(inChunks(bytes, 10_000));
        expect(put).toEqual({ digest: sha256Hex(bytes), size: n, created: true });
        expect(await store.statBlob(put.digest)).toEqual({ size: n });
        const got = await store.getBlob(put.digest);
        expect(got.size).toBe(n);
        expect(got.contentLength).toBe(n);
        expect((await collectBytes(got.stream)).equals(bytes)).toBe(true);
      });

      it("accepts a Node Readable as source", async () => {
        const bytes = randomBytes(200_000);
        const put = await store.putBlob(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
        expect(put.digest).toBe(sha256Hex(bytes));
        expect((await collectBytes((await store.getBlob(put.digest)).stream)).equals(bytes)).toBe(true);
      });

      it("stores the empty blob", async () => {
        const put = await store.putBlob(inChunks(new Uint8Array(0)));
        expect(put.digest).toBe(EMPTY_SHA256);
        expect(put.size).toBe(0);
        expect(await store.statBlob(EMPTY_SHA256)).toEqual({ size: 0 });
        const got = await store.getBlob(EMPTY_SHA256);
        expect(got.contentLength).toBe(0);
        expect((await collectBytes(got.stream)).length).toBe(0);
        expect((await store.putBlob(Readable.from([]))).created).toBe(false);
      });

      it("round-trips objects around and well above the part size", async () => {
        for (const n of [h.partSize, h.partSize + 1, 2 * h.partSize, 20 * 1024 * 1024 + 12_345]) {
          const bytes = randomBytes(n);
          const put = await store.putBlob(inChunks(bytes, 100_003));
          expect(put).toEqual({ digest: sha256Hex(bytes), size: n, created: true });
          const got = await store.getBlob(put.digest);
          expect(got.size).toBe(n);
          expect((await collectBytes(got.stream)).equals(bytes)).toBe(true);
        }
      });

      it("round-trips random byte arrays (property)", async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.uint8Array({ maxLength: 4096 }),
            fc.integer({ min: 1, max: 1024 }),
            async (bytes, chunkSize) => {
              const put = await store.putBlob(inChunks(bytes, chunkSize));
              expect(put.digest).toBe(sha256Hex(bytes));
              expect(put.size).toBe(bytes.length);
              const got = await collectBytes((await store.getBlob(put.digest)).stream);
              expect(got.equals(Buffer.from(bytes))).toBe(true);
            },
          ),
          { numRuns: 40 },
        );
      });
    });

    describe("write-once and dedupe", () => {
      it("stores identical bytes once; the second put reports created:false", async () => {
        const bytes = randomBytes(50_000);
        const first = await store.putBlob(inChunks(bytes));
        const second = await store.putBlob(inChunks(bytes, 7));
        expect(first.created).toBe(true);
        expect(second).toEqual({ digest: first.digest, size: bytes.length, created: false });
        expect((await listedDigests(store)).filter((d) => d === first.digest)).toHaveLength(1);
      });

      it.each([
        ["small", 100_000],
        ["multi-part", -1],
      ])("concurrent puts of identical %s bytes all succeed and leave one blob", async (_label, n) => {
        const bytes = randomBytes(n > 0 ? n : Math.floor(2.5 * h.partSize));
        const results = await Promise.all([1, 2, 3].map(() => store.putBlob(inChunks(bytes))));
        for (const result of results) expect(result.digest).toBe(sha256Hex(bytes));
        expect(results.some((r) => r.created)).toBe(true);
        expect((await listedDigests(store)).filter((d) => d === sha256Hex(bytes))).toHaveLength(1);
        expect((await collectBytes((await store.getBlob(sha256Hex(bytes))).stream)).equals(bytes)).toBe(true);
        expect(await h.leftovers()).toEqual([]);
      });
    });

    describe("expectedSha256", () => {
      it("accepts matching bytes, small and multi-part", async () => {
        for (const n of [10_000, 2 * h.partSize + 5]) {
          const bytes = randomBytes(n);
          const put = await store.putBlob(inChunks(bytes), { expectedSha256: sha256Hex(bytes) });
          expect(put).toEqual({ digest: sha256Hex(bytes), size: n, created: true });
          expect((await collectBytes((await store.getBlob(put.digest)).stream)).equals(bytes)).toBe(true);
          const again = await store.putBlob(inChunks(bytes), { expectedSha256: sha256Hex(bytes) });
          expect(again.created).toBe(false);
        }
      });

      it.each([
        ["small", 10_000],
        ["multi-part", -1],
      ])("rejects mismatching %s bytes and makes nothing visible", async (_label, n) => {
        const bytes = randomBytes(n > 0 ? n : 2 * h.partSize + 5);
        const claimed = sha256Hex(randomBytes(16));
        const before = await listedDigests(store);
        const error = await store.putBlob(inChunks(bytes), { expectedSha256: claimed }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DigestMismatchError);
        expect(error).toMatchObject({ expected: claimed, actual: sha256Hex(bytes) });
        expect(await store.statBlob(claimed)).toBeNull();
        expect(await store.statBlob(sha256Hex(bytes))).toBeNull();
        await expectNothingLeftBehind(before);
      });

      it("still verifies the bytes when the claimed blob already exists", async () => {
        const stored = randomBytes(3000);
        const digest = (await store.putBlob(inChunks(stored))).digest;
        const impostor = randomBytes(3000);
        await expect(store.putBlob(inChunks(impostor), { expectedSha256: digest })).rejects.toBeInstanceOf(
          DigestMismatchError,
        );
        expect((await collectBytes((await store.getBlob(digest)).stream)).equals(stored)).toBe(true);
        expect(await store.statBlob(sha256Hex(impostor))).toBeNull();
      });
    });

    describe("maxBytes", () => {
      it("accepts exactly maxBytes", async () => {
        const bytes = randomBytes(4096);
        expect((await store.putBlob(inChunks(bytes, 1000), { maxBytes: 4096 })).size).toBe(4096);
      });

      it("refuses one byte more, storing nothing", async () => {
        const bytes = randomBytes(4097);
        const before = await listedDigests(store);
        await expect(store.putBlob(inChunks(bytes, 1000), { maxBytes: 4096 })).rejects.toBeInstanceOf(BlobTooLargeError);
        expect(await store.statBlob(sha256Hex(bytes))).toBeNull();
        await expectNothingLeftBehind(before);
      });

      it("stops reading an endless source soon after the limit", async () => {
        let pulled = 0;
        async function* endless(): AsyncGenerator<Uint8Array> {
          const chunk = randomBytes(64 * 1024);
          for (;;) {
            pulled += chunk.length;
            yield chunk;
          }
        }
        const maxBytes = 3 * h.partSize; // above one part, so the multipart path is cut short too
        const before = await listedDigests(store);
        await expect(store.putBlob(endless(), { maxBytes })).rejects.toBeInstanceOf(BlobTooLargeError);
        expect(pulled).toBeLessThan(maxBytes + 1024 * 1024);
        await expectNothingLeftBehind(before);
      });
    });

    describe("failing and aborted uploads", () => {
      it.each([
        ["small", 50_000],
        ["multi-part", -1],
      ])("propagates a %s source error midway and stores nothing", async (_label, n) => {
        const bytes = randomBytes(n > 0 ? n : Math.floor(2.5 * h.partSize));
        const before = await listedDigests(store);
        await expect(store.putBlob(failingAfter(bytes, new Error("client went away")))).rejects.toThrow(
          "client went away",
        );
        expect(await store.statBlob(sha256Hex(bytes))).toBeNull();
        await expectNothingLeftBehind(before);
      });

      it("rejects with an already-aborted signal without reading", async () => {
        let pulled = false;
        async function* source(): AsyncGenerator<Uint8Array> {
          pulled = true;
          yield new Uint8Array(1);
        }
        await expect(store.putBlob(source(), { signal: AbortSignal.abort() })).rejects.toMatchObject({
          name: "AbortError",
        });
        expect(pulled).toBe(false);
      });

      it("stops on abort mid-stream (after several parts) and stores nothing", async () => {
        const controller = new AbortController();
        const abortAfter = Math.floor(2.5 * h.partSize);
        async function* endless(): AsyncGenerator<Uint8Array> {
          let sent = 0;
          for (;;) {
            if (sent > abortAfter) controller.abort();
            const chunk = randomBytes(256 * 1024);
            sent += chunk.length;
            yield chunk;
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        const before = await listedDigests(store);
        await expect(store.putBlob(endless(), { signal: controller.signal })).rejects.toMatchObject({
          name: "AbortError",
        });
        await expectNothingLeftBehind(before);
      });
    });

    describe("range reads", () => {
      const bytes = randomBytes(1000);
      let digest: string;
      beforeAll(async () => {
        digest = (await store.putBlob(inChunks(bytes))).digest;
      });

      it.each([
        ["first byte", 0, 0],
        ["middle", 10, 19],
        ["last byte", 999, 999],
        ["whole blob", 0, 999],
      ])("serves the %s", async (_label, start, end) => {
        const got = await store.getBlob(digest, { range: { start, end } });
        expect(got.size).toBe(1000);
        expect(got.contentLength).toBe(end - start + 1);
        expect((await collectBytes(got.stream)).equals(bytes.subarray(start, end + 1))).toBe(true);
      });

      it.each([
        ["end past the last byte", 0, 1000],
        ["start past the end", 1000, 1000],
        ["inverted", 5, 4],
        ["negative start", -1, 3],
        ["fractional", 1.5, 3],
      ])("refuses a range %s", async (_label, start, end) => {
        await expect(store.getBlob(digest, { range: { start, end } })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      });

      it("reports the blob size with an unsatisfiable range", async () => {
        await expect(store.getBlob(digest, { range: { start: 2000, end: 2001 } })).rejects.toMatchObject({ size: 1000 });
      });

      it("has no satisfiable range on the empty blob", async () => {
        await store.putBlob(inChunks(new Uint8Array(0)));
        await expect(store.getBlob(EMPTY_SHA256, { range: { start: 0, end: 0 } })).rejects.toBeInstanceOf(
          RangeNotSatisfiableError,
        );
      });

      it("reports a missing blob as not found, not as a bad range", async () => {
        const missing = sha256Hex(randomBytes(8));
        await expect(store.getBlob(missing, { range: { start: 0, end: 0 } })).rejects.toBeInstanceOf(BlobNotFoundError);
      });
    });

    describe("missing blobs", () => {
      it("statBlob returns null and getBlob throws BlobNotFoundError", async () => {
        const missing = sha256Hex(randomBytes(8));
        expect(await store.statBlob(missing)).toBeNull();
        await expect(store.getBlob(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
      });
    });

    describe("corruption on read", () => {
      it("fails a full read of bytes that no longer match their digest, never delivering them whole", async () => {
        const bytes = randomBytes(300_000);
        const { digest } = await store.putBlob(inChunks(bytes));
        const rotten = Buffer.from(bytes);
        rotten[123_456] = rotten[123_456]! ^ 0xff;
        await h.tamper(digest, rotten);

        const received: Buffer[] = [];
        const { stream } = await store.getBlob(digest);
        const error = await (async () => {
          for await (const chunk of stream) received.push(chunk as Buffer);
        })().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BlobCorruptError);
        expect(error).toMatchObject({ digest, actual: sha256Hex(rotten) });
        expect(Buffer.concat(received).length).toBeLessThan(bytes.length);
      });

      it("fails a full read of truncated bytes", async () => {
        const bytes = randomBytes(10_000);
        const { digest } = await store.putBlob(inChunks(bytes));
        await h.tamper(digest, bytes.subarray(0, 9_000));
        await expect(collectBytes((await store.getBlob(digest)).stream)).rejects.toBeInstanceOf(BlobCorruptError);
      });

      it("serves range reads as stored (a partial read cannot be verified)", async () => {
        const bytes = randomBytes(1000);
        const { digest } = await store.putBlob(inChunks(bytes));
        const rotten = Buffer.from(bytes).fill(7, 0, 10);
        await h.tamper(digest, rotten);
        const got = await store.getBlob(digest, { range: { start: 0, end: 19 } });
        expect((await collectBytes(got.stream)).equals(rotten.subarray(0, 20))).toBe(true);
      });
    });

    describe("digest arguments", () => {
      const upper = sha256Hex(Buffer.from("x")).toUpperCase();
      const invalid = [
        "../etc/passwd",
        `../../${"a".repeat(58)}`,
        upper,
        "abc123",
        "a".repeat(65),
        `sha256:${"a".repeat(64)}`,
        `${"a".repeat(63)}\n`,
        "",
      ];

      it.each(invalid)("rejects %j everywhere with InvalidDigestError", async (bad) => {
        await expect(store.statBlob(bad)).rejects.toBeInstanceOf(InvalidDigestError);
        await expect(store.getBlob(bad)).rejects.toBeInstanceOf(InvalidDigestError);
        await expect(store.getBlob(bad, { range: { start: 0, end: 0 } })).rejects.toBeInstanceOf(InvalidDigestError);
        await expect(store.deleteUnreferencedBlob(bad)).rejects.toBeInstanceOf(InvalidDigestError);
        await expect(store.putBlob(inChunks(Buffer.from("x")), { expectedSha256: bad })).rejects.toBeInstanceOf(
          InvalidDigestError,
        );
      });
    });

    describe("listBlobs and deleteUnreferencedBlob", () => {
      it("lists what was put, with size and modification time", async () => {
        const blobs = [randomBytes(10), randomBytes(20_000), randomBytes(h.partSize + 10)];
        const startedAt = Date.now();
        for (const bytes of blobs) await store.putBlob(inChunks(bytes));
        const listed = new Map<string, { size: number; lastModified: Date }>();
        for await (const blob of store.listBlobs()) listed.set(blob.digest, blob);
        for (const bytes of blobs) {
          const entry = listed.get(sha256Hex(bytes));
          expect(entry?.size).toBe(bytes.length);
          expect(entry?.lastModified).toBeInstanceOf(Date);
          // Some servers keep second precision only.
          expect(Math.abs(entry!.lastModified.getTime() - startedAt)).toBeLessThan(60_000);
        }
      });

      it("deletes a blob; deleting again is a no-op; putting again re-creates it", async () => {
        const bytes = randomBytes(5000);
        const { digest } = await store.putBlob(inChunks(bytes));
        await store.deleteUnreferencedBlob(digest);
        expect(await store.statBlob(digest)).toBeNull();
        await expect(store.getBlob(digest)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await listedDigests(store)).not.toContain(digest);
        await store.deleteUnreferencedBlob(digest);
        expect((await store.putBlob(inChunks(bytes))).created).toBe(true);
        expect((await collectBytes((await store.getBlob(digest)).stream)).equals(bytes)).toBe(true);
      });
    });

    describe("health", () => {
      it("reports ok with its driver name", async () => {
        const health = await store.health();
        expect(health.ok).toBe(true);
        expect(health.driver).toBe(store.kind);
        expect([true, false, "unknown"]).toContain(health.objectLock);
      });
    });

    describe("streaming", () => {
      const total = options.streamingTestBytes ?? 256 * 1024 * 1024;

      it(
        `streams ${total / 1024 ** 2} MiB in and out with flat memory`,
        async () => {
          const expected = await digestOf(generatedBytes(total));
          const baseline = process.memoryUsage().rss;
          let peak = baseline;
          const sampler = setInterval(() => {
            peak = Math.max(peak, process.memoryUsage().rss);
          }, 20);
          try {
            const put = await store.putBlob(generatedBytes(total));
            expect(put).toMatchObject({ digest: expected.digest, size: total });
            const got = await store.getBlob(put.digest);
            expect(got.contentLength).toBe(total);
            expect(await digestOf(got.stream)).toEqual(expected);
          } finally {
            clearInterval(sampler);
          }
          // The data is 256 MiB; buffers are a few parts. Generous bound to stay robust under GC timing.
          expect(peak - baseline).toBeLessThan(128 * 1024 * 1024);
          expect(await h.leftovers()).toEqual([]);
        },
        300_000,
      );
    });
  });
}
