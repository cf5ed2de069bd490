import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBytes, describeObjectStoreContract, inChunks, sha256Hex } from "./contract.ts";
import { FilesystemObjectStore } from "./filesystem.ts";
import { createObjectStore } from "./index.ts";

const blobPath = (dir: string, digest: string) => path.join(dir, "sha256", digest.slice(0, 2), digest);

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "objectstore-fs-"));
}

describeObjectStoreContract("filesystem", async () => {
  const dir = await tempDir();
  return {
    store: new FilesystemObjectStore(dir),
    partSize: 5 * 1024 * 1024, // no parts on a filesystem; sizes around it are still exercised
    async tamper(digest, bytes) {
      const file = blobPath(dir, digest);
      await chmod(file, 0o644);
      await writeFile(file, bytes);
      await chmod(file, 0o444);
    },
    async leftovers() {
      return readdir(path.join(dir, ".tmp")).catch(() => []);
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("FilesystemObjectStore specifics", () => {
  let dir: string;
  let store: FilesystemObjectStore;
  beforeAll(async () => {
    dir = await tempDir();
    store = new FilesystemObjectStore(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("publishes read-only files at sha256/<2 hex>/<hex> and keeps .tmp empty", async () => {
    const bytes = randomBytes(1234);
    const { digest } = await store.putBlob(inChunks(bytes));
    const info = await stat(blobPath(dir, digest));
    expect(info.size).toBe(1234);
    expect(info.mode & 0o777).toBe(0o444);
    expect(await readdir(path.join(dir, ".tmp"))).toEqual([]);
  });

  it("never rewrites a published file (same inode after a duplicate put)", async () => {
    const bytes = randomBytes(4000);
    const { digest } = await store.putBlob(inChunks(bytes));
    const before = await stat(blobPath(dir, digest));
    expect((await store.putBlob(inChunks(bytes))).created).toBe(false);
    const after = await stat(blobPath(dir, digest));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it("reports exactly one creator among concurrent identical puts", async () => {
    const bytes = randomBytes(300_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.putBlob(inChunks(bytes))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([sha256Hex(bytes)]));
  });

  it("creates its directories lazily (no ensureReady needed)", async () => {
    const fresh = new FilesystemObjectStore(path.join(dir, "nested", "objects"));
    const { digest } = await fresh.putBlob(inChunks(Buffer.from("hello")));
    expect((await collectBytes((await fresh.getBlob(digest)).stream)).toString()).toBe("hello");
  });

  it("ignores foreign files when listing", async () => {
    const fresh = new FilesystemObjectStore(path.join(dir, "listing"));
    const { digest } = await fresh.putBlob(inChunks(Buffer.from("listed")));
    await writeFile(path.join(dir, "listing", "sha256", digest.slice(0, 2), "README"), "not a blob");
    await writeFile(path.join(dir, "listing", "sha256", "stray"), "not a shard");
    const listed: string[] = [];
    for await (const blob of fresh.listBlobs()) listed.push(blob.digest);
    expect(listed).toEqual([digest]);
  });

  it("lists nothing (rather than failing) before the first put", async () => {
    const empty = new FilesystemObjectStore(path.join(dir, "never-used"));
    const listed = [];
    for await (const blob of empty.listBlobs()) listed.push(blob);
    expect(listed).toEqual([]);
  });

  it("reports unhealthy when the directory is unusable", async () => {
    const missing = new FilesystemObjectStore(path.join(dir, "does-not-exist"));
    expect(await missing.health()).toMatchObject({ ok: false, driver: "filesystem", objectLock: false });
  });

  it("is what createObjectStore returns for a filesystem config", async () => {
    const created = createObjectStore({ kind: "filesystem", dir: path.join(dir, "from-config") });
    expect(created).toBeInstanceOf(FilesystemObjectStore);
    await created.ensureReady();
    expect((await created.health()).ok).toBe(true);
  });
});
