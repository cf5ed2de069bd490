// Upload progress on stderr (stdout stays clean for scripts): a live bar with bytes, MB/s and ETA
// on a terminal, and one plain line per file otherwise, because a CI log keeps every redraw of a
// bar as a new line.
import cliProgress from "cli-progress";
import { formatBytes } from "../format/bytes.ts";
import { formatRate } from "./format.ts";
import type { MultipartPart, MultipartProgress } from "./multipart-body.ts";

export type UploadProgress = MultipartProgress & { finish(): void };

export type UploadProgressOptions = {
  totalBytes: number;
  stream?: NodeJS.WriteStream;
  /** Defaults to whether the stream is a terminal. */
  interactive?: boolean;
};

export function createUploadProgress({ totalBytes, stream = process.stderr, interactive = Boolean(stream.isTTY) }: UploadProgressOptions): UploadProgress {
  return interactive ? barProgress(totalBytes, stream) : lineProgress(stream);
}

function barProgress(totalBytes: number, stream: NodeJS.WriteStream): UploadProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "uploading {bar} {percentage}% | {sent} / {size} | {rate} | ETA {eta_formatted} | {file}",
      hideCursor: true,
      etaBuffer: 200,
      fps: 10,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let sent = 0;
  let file = "manifest.json";
  bar.start(totalBytes, 0, { sent: formatBytes(0), size: formatBytes(totalBytes), rate: formatRate(0, 1), file });
  const payload = () => ({ sent: formatBytes(sent), size: formatBytes(totalBytes), rate: formatRate(sent, Date.now() - started), file });
  return {
    onBytes(bytes) {
      sent += bytes;
      bar.update(sent, payload());
    },
    onPartStart(part) {
      if (part.kind === "file") file = part.name;
      bar.update(sent, payload());
    },
    finish() {
      bar.update(sent, payload());
      bar.stop();
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream): UploadProgress {
  let partStarted = Date.now();
  let partBytes = 0;
  return {
    onBytes(bytes) {
      partBytes += bytes;
    },
    onPartStart() {
      partStarted = Date.now();
      partBytes = 0;
    },
    onPartEnd(part: MultipartPart) {
      if (part.kind !== "file") return;
      // A rate measured over a few bytes says nothing; show it for files of a megabyte or more.
      const rate = part.size >= 1e6 ? `, ${formatRate(partBytes, Date.now() - partStarted)}` : "";
      stream.write(`  sent ${part.name} (${formatBytes(part.size)}${rate})\n`);
    },
    finish() {},
  };
}
