// Peak resident memory of the registry's server process while it receives uploads of growing size.
// A streaming upload path keeps memory flat: the peak must not grow with the artifact.
//
// Two measurements per upload:
//   - sampled: VmRSS of the `next start` process (and any children) every 100 ms, as asked;
//   - kernel:  VmHWM, the kernel's own peak-RSS counter for the server process, reset just before
//              the upload (clear_refs) — it cannot miss a spike between two samples.
import { findAppServerPid, peakRss, resetPeakRss, rssBreakdown, sampleRss, treeRss, type RssSamples } from "./processes.ts";
import type { PayloadFile } from "./payload.ts";
import { uploadArtifact, type Api } from "./registry-client.ts";
import { MiB, timed } from "./stats.ts";

export type UploadMemory = {
  bytes: number;
  /** RSS when the upload started. */
  startRssBytes: number;
  peakSampledBytes: number;
  /** VmHWM after a reset just before the upload; null where the reset is not permitted. */
  peakKernelBytes: number | null;
  samples: number;
  maxGapMs: number;
  mibPerSecond: number;
};

export type MemoryResult = {
  driver: "s3" | "filesystem";
  serverPid: number;
  /** The server before the first upload (started, one model created): what it weighs at rest. */
  idle: { rssBytes: number; anonBytes: number; fileBytes: number };
  uploads: UploadMemory[];
};

export async function measureUploadMemory(opts: {
  driver: MemoryResult["driver"];
  api: Api;
  port: number;
  model: string;
  payload: PayloadFile;
  sizes: number[];
  log: (line: string) => void;
}): Promise<MemoryResult> {
  const { api, model, payload, sizes, log } = opts;
  const pid = findAppServerPid(opts.port);
  const idle = { rssBytes: treeRss(pid), ...rssBreakdown(pid) };
  const uploads: UploadMemory[] = [];
  for (const [i, bytes] of sizes.entries()) {
    const sha256 = await payload.refresh(bytes);
    const kernelPeak = resetPeakRss(pid);
    const startRssBytes = treeRss(pid);
    const sampler = sampleRss(pid, 100);
    let seconds: number;
    let samples: RssSamples;
    try {
      ({ seconds } = await timed(() => uploadArtifact(api, { model, version: `2.0.${i}`, file: payload.path, size: bytes, sha256 })));
    } finally {
      samples = sampler.stop();
    }
    const upload: UploadMemory = {
      bytes,
      startRssBytes,
      peakSampledBytes: samples.peakBytes,
      peakKernelBytes: kernelPeak ? peakRss(pid) : null,
      samples: samples.samples,
      maxGapMs: samples.maxGapMs,
      mibPerSecond: bytes / MiB / seconds,
    };
    uploads.push(upload);
    log(
      `${opts.driver} upload of ${bytes / MiB} MiB: peak RSS ${(upload.peakSampledBytes / MiB).toFixed(0)} MiB sampled` +
        (upload.peakKernelBytes === null ? "" : `, ${(upload.peakKernelBytes / MiB).toFixed(0)} MiB VmHWM`),
    );
  }
  return { driver: opts.driver, serverPid: pid, idle, uploads };
}
