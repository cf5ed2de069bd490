// The S3 driver against a real S3 HTTP server: s3rver, in-process on a free port, data in a temp dir.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBytes, describeObjectStoreContract, inChunks, sha256Hex } from "./contract.ts";
import { createObjectStore } from "./index.ts";
import { createS3Client, ensureBucket, S3ObjectStore } from "./s3.ts";

const PART_SIZE = 5 * 1024 * 1024; // the S3 minimum, so multi-part tests stay fast

let server: S3rver;
let serverDir: string;
let endpoint: string;

beforeAll(async () => {
  serverDir = await mkdtemp(path.join(os.tmpdir(), "objectstore-s3rver-"));
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: serverDir });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(serverDir, { recursive: true, force: true });
});

/** s3rver's built-in account. */
function s3Config(bucket: string) {
  return {
    kind: "s3" as const,
    endpoint,
    bucket,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  };
}

async function keysUnder(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const page: ListObjectsV2CommandOutput = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

let bucketCounter = 0;
async function freshStore(): Promise<{ client: S3Client; bucket: string; store: S3ObjectStore }> {
  const bucket = `registry-test-${process.pid}-${++bucketCounter}`;
  const client = createS3Client(s3Config(bucket));
  const store = new S3ObjectStore({ client, bucket, partSize: PART_SIZE, partConcurrency: 3, ownsClient: true });
  await store.ensureReady();
  return { client, bucket, store };
}

describeObjectStoreContract("s3 (s3rver)", async () => {
  const { client, bucket, store } = await freshStore();
  return {
    store,
    partSize: PART_SIZE,
    async tamper(digest, bytes) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `sha256/${digest}`, Body: bytes }));
    },
    // Staging objects only exist between a staged upload's Complete and its copy. (Incomplete multipart
    // uploads are invisible; s3rver can't list or abort them, so they can't be checked here.)
    leftovers: () => keysUnder(client, bucket, "uploads/"),
    async cleanup() {
      await store.close();
    },
  };
});

describe("S3ObjectStore specifics", () => {
  let client: S3Client;
  let bucket: string;
  let store: S3ObjectStore;
  beforeAll(async () => {
    ({ client, bucket, store } = await freshStore());
  });
  afterAll(async () => {
    await store.close();
  });

  it("stores blobs at sha256/<hex> and nothing else", async () => {
    const small = randomBytes(100);
    const large = randomBytes(2 * PART_SIZE + 1); // staged under uploads/, then copied
    await store.putBlob(inChunks(small));
    await store.putBlob(inChunks(large));
    expect(await keysUnder(client, bucket, "")).toEqual([`sha256/${sha256Hex(small)}`, `sha256/${sha256Hex(large)}`].sort());
  });

  it("never writes over an existing key (HEAD before write; s3rver ignores If-None-Match)", async () => {
    // Plant different bytes at a blob's address; a put of the real bytes must leave them alone.
    for (const size of [1000, 2 * PART_SIZE + 7]) {
      const real = randomBytes(size);
      const digest = sha256Hex(real);
      const planted = Buffer.from("planted");
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `sha256/${digest}`, Body: planted }));
      for (const opts of [{}, { expectedSha256: digest }]) {
        expect((await store.putBlob(inChunks(real), opts)).created).toBe(false);
        const raw = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `sha256/${digest}` }));
        expect(Buffer.from(await raw.Body!.transformToByteArray()).equals(planted)).toBe(true);
      }
    }
  });

  it("creates the bucket once and tolerates repeated ensureBucket calls", async () => {
    const name = `registry-ensure-${process.pid}`;
    const other = createS3Client(s3Config(name));
    try {
      await ensureBucket(other, name);
      await ensureBucket(other, name);
      const bucketStore = new S3ObjectStore({ client: other, bucket: name });
      expect((await bucketStore.health()).ok).toBe(true);
    } finally {
      other.destroy();
    }
  });

  it("reports health: ok, object lock unknown on s3rver; not ok for a missing bucket", async () => {
    expect(await store.health()).toMatchObject({ ok: true, driver: "s3", objectLock: "unknown" });
    const missing = new S3ObjectStore({ client, bucket: "no-such-bucket-here" });
    expect(await missing.health()).toMatchObject({ ok: false, driver: "s3" });
  });

  it("refuses part sizes S3 would reject", () => {
    expect(() => new S3ObjectStore({ client, bucket, partSize: 1024 * 1024 })).toThrow(RangeError);
    expect(() => new S3ObjectStore({ client, bucket, partConcurrency: 0 })).toThrow(RangeError);
  });

  it("is what createObjectStore returns for an s3 config", async () => {
    const name = `registry-config-${process.pid}`;
    const fromConfig = createObjectStore(s3Config(name));
    try {
      expect(fromConfig.kind).toBe("s3");
      await fromConfig.ensureReady();
      const { digest } = await fromConfig.putBlob(inChunks(Buffer.from("via config")));
      expect((await collectBytes((await fromConfig.getBlob(digest)).stream)).toString()).toBe("via config");
    } finally {
      await fromConfig.close?.();
    }
  });
});
