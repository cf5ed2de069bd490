// Upload and download throughput of one large artifact through the registry, against the raw
// storage path measured in the same run, on the same bytes, the same disk and the same server:
//
//   S3 driver          registry POST …/versions (multipart)  vs  @aws-sdk/lib-storage Upload to the same s3rver
//                      registry GET …/files/model.bin        vs  GetObject of the very object the registry stored
//   filesystem driver  registry POST …/versions (multipart)  vs  createReadStream → createWriteStream + fsync
//                      registry GET …/files/model.bin        vs  createReadStream of the very blob file the registry stored
//
// A third, informational side ("store over bare HTTP", store-server.ts) runs the registry's own
// ObjectStore behind a plain node:http server: the gap raw → store-over-HTTP is the cost of an HTTP
// hop plus the storage layer's hashing; the gap store-over-HTTP → registry is Next.js, multipart
// parsing and the registry's own code.
//
// Every upload streams from the same payload file; every download is consumed the same way (sha256
// of every byte, then discarded). The sides rotate which goes first in each round, so drift (page
// cache, s3rver's growing directory, JIT warm-up) favours none of them; the median is reported.
import { createReadStream, createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { PayloadFile } from "./payload.ts";
import { meterCpu, type CpuUsage } from "./processes.ts";
import {
  downloadArtifact,
  getBlobOverHttp,
  hashStream,
  putBlobOverHttp,
  READ_CHUNK_BYTES,
  uploadArtifact,
  type Api,
} from "./registry-client.ts";
import { MiB, timed, type Transfer } from "./stats.ts";

/** The registry S3 driver's defaults (lib/storage/s3.ts): the raw upload uses the same part size and parallelism. */
export const S3_PART_BYTES = 8 * MiB;
export const S3_PART_CONCURRENCY = 4;

export const SIDES = ["raw", "registry", "store over bare HTTP"] as const;
export type Side = (typeof SIDES)[number];

export type ThroughputResult = {
  driver: "s3" | "filesystem";
  bytes: number;
  rounds: number;
  upload: Record<Side, Transfer>;
  download: Record<Side, Transfer>;
};

type Target = {
  driver: ThroughputResult["driver"];
  rawUpload(round: number, bytes: number): Promise<void>;
  /** Reads the blob the registry stored for `sha256`, bypassing the registry. */
  rawDownload(sha256: string): Promise<{ sha256: string; size: number }>;
  /** Removes what this round's raw and store-over-HTTP uploads wrote (GiBs each). */
  afterRound(round: number, sha256: string): Promise<void>;
};

export type ThroughputOptions = {
  api: Api;
  model: string;
  payload: PayloadFile;
  bytes: number;
  rounds: number;
  /** Base URL of store-server.ts for this driver. */
  storeServerUrl: string;
  /** Processes whose CPU time is counted during each transfer, by name. */
  pids: Record<string, number>;
  log: (line: string) => void;
};

export function measureS3Throughput(opts: ThroughputOptions & { s3: S3Client; bucket: string; storeServerBucket: string }): Promise<ThroughputResult> {
  const { s3, bucket } = opts;
  const rawKey = (round: number) => `bench-raw/${round}`;
  return measure(opts, {
    driver: "s3",
    async rawUpload(round, bytes) {
      await new Upload({
        client: s3,
        params: {
          Bucket: bucket,
          Key: rawKey(round),
          Body: createReadStream(opts.payload.path, { start: 0, end: bytes - 1, highWaterMark: READ_CHUNK_BYTES }),
          ContentType: "application/octet-stream",
        },
        partSize: S3_PART_BYTES,
        queueSize: S3_PART_CONCURRENCY,
      }).done();
    },
    async rawDownload(sha256) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `sha256/${sha256}` }));
      return hashStream(object.Body as AsyncIterable<Uint8Array>);
    },
    async afterRound(round, sha256) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: rawKey(round) }));
      await s3.send(new DeleteObjectCommand({ Bucket: opts.storeServerBucket, Key: `sha256/${sha256}` }));
    },
  });
}

export function measureFilesystemThroughput(
  opts: ThroughputOptions & { dataDir: string; scratchDir: string; storeServerDir: string },
): Promise<ThroughputResult> {
  const rawFile = (round: number) => path.join(opts.scratchDir, `raw-write-${round}.bin`);
  // The registry's filesystem layout (lib/storage/filesystem.ts): <dir>/sha256/<2 hex>/<hex>.
  const blobFile = (dir: string, sha256: string) => path.join(dir, "sha256", sha256.slice(0, 2), sha256);
  return measure(opts, {
    driver: "filesystem",
    async rawUpload(round, bytes) {
      const target = rawFile(round);
      await pipeline(
        createReadStream(opts.payload.path, { start: 0, end: bytes - 1, highWaterMark: READ_CHUNK_BYTES }),
        createWriteStream(target),
      );
      // The registry makes a blob durable before publishing it (fsync); so does the baseline.
      const handle = await open(target, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async rawDownload(sha256) {
      return hashStream(createReadStream(blobFile(path.join(opts.dataDir, "objects"), sha256), { highWaterMark: READ_CHUNK_BYTES }));
    },
    async afterRound(round, sha256) {
      await rm(rawFile(round), { force: true });
      await rm(blobFile(opts.storeServerDir, sha256), { force: true });
    },
  });
}

async function measure(opts: ThroughputOptions, target: Target): Promise<ThroughputResult> {
  const { api, model, payload, bytes, rounds, log } = opts;
  const empty = () => Object.fromEntries(SIDES.map((side) => [side, { bytes, seconds: [], cpu: [] }])) as unknown as Record<Side, Transfer>;
  const result: ThroughputResult = { driver: target.driver, bytes, rounds, upload: empty(), download: empty() };

  for (let round = 0; round < rounds; round++) {
    const version = `1.0.${round}`;
    const sha256 = await payload.refresh(bytes);
    const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]!);

    const uploads: Record<Side, () => Promise<unknown>> = {
      raw: () => target.rawUpload(round, bytes),
      registry: () => uploadArtifact(api, { model, version, file: payload.path, size: bytes, sha256 }),
      "store over bare HTTP": () => putBlobOverHttp(opts.storeServerUrl, payload.path, bytes, sha256),
    };
    const downloads: Record<Side, () => Promise<{ sha256: string; size: number }>> = {
      raw: () => target.rawDownload(sha256),
      registry: () => downloadArtifact(api, model, version),
      "store over bare HTTP": () => getBlobOverHttp(opts.storeServerUrl, sha256),
    };

    for (const side of order) {
      const cpu = meterCpu(opts.pids);
      const { seconds } = await timed(uploads[side]);
      record(result.upload[side], seconds, cpu.stop());
      log(`${target.driver} round ${round + 1}/${rounds}: ${side} upload ${(bytes / MiB / seconds).toFixed(0)} MiB/s`);
    }
    for (const side of order) {
      const cpu = meterCpu(opts.pids);
      const { seconds, result: got } = await timed(downloads[side]);
      const usage = cpu.stop();
      // A benchmark of wrong bytes would be meaningless: this is a harness check, not a test.
      if (got.sha256 !== sha256 || got.size !== bytes) throw new Error(`${side} download returned different bytes`);
      record(result.download[side], seconds, usage);
      log(`${target.driver} round ${round + 1}/${rounds}: ${side} download ${(bytes / MiB / seconds).toFixed(0)} MiB/s`);
    }
    await target.afterRound(round, sha256);
  }
  return result;
}

function record(transfer: Transfer, seconds: number, cpu: CpuUsage): void {
  transfer.seconds.push(seconds);
  transfer.cpu.push(cpu);
}
