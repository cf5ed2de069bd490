import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FilesystemObjectStore } from "../storage/filesystem.ts";
import { createTestDatabase, type TestDatabase } from "../testing/db.ts";
import { assertBlobsStillStored, collectGarbage } from "./collect-garbage.ts";

let db: TestDatabase;
let dir: string;
let store: FilesystemObjectStore;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "gc-"));
  store = new FilesystemObjectStore(dir);
  await store.ensureReady();
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it("removes only unreferenced blobs older than the grace period", async () => {
  const referenced = await store.putBlob(Readable.from([Buffer.from("referenced by a version")]));
  const orphan = await store.putBlob(Readable.from([Buffer.from("left behind by a failed upload")]));
  await db.prisma.blob.create({ data: { digest: referenced.digest, size: BigInt(referenced.size), mediaType: "text/plain" } });

  const young = await collectGarbage({ prisma: db.prisma, store }, { graceMs: 3600_000 });
  expect(young).toMatchObject({ scanned: 2, orphans: 1, keptYoung: 1, deleted: 0 });
  const dry = await collectGarbage({ prisma: db.prisma, store }, { graceMs: 0, dryRun: true });
  expect(dry.deleted).toBe(0);
  expect(await store.statBlob(orphan.digest)).not.toBeNull();

  const report = await collectGarbage({ prisma: db.prisma, store }, { graceMs: 0 });
  expect(report).toMatchObject({ scanned: 2, orphans: 1, deleted: 1, bytesFreed: orphan.size });
  expect(await store.statBlob(orphan.digest)).toBeNull();
  expect(await store.statBlob(referenced.digest)).toEqual({ size: referenced.size });
});

it("an upload that committed a reference to bytes GC removed finds out inside its transaction", async () => {
  const blob = await store.putBlob(Readable.from([Buffer.from("deduplicated against an orphan")]));
  await collectGarbage({ prisma: db.prisma, store }, { graceMs: 0 });
  const missing = await db.prisma.$transaction((tx) => assertBlobsStillStored(tx, store, [blob.digest]));
  expect(missing).toEqual([blob.digest]);
});
