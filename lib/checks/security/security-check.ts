// The security check (docs/checks.md): applies to every artifact format. It enforces the size
// limit, then inspects the artifact statically by format — pickle/joblib opcode scan (also inside zip
// archives and zlib/gzip-compressed joblib dumps), safetensors header validation, ONNX external-data
// containment — and scans every other file of the version as a possible pickle, so a payload cannot
// ride along as an "extra" file under any name (protocol 0/1 pickles have no magic number).
//
// Extra files (and "other" artifacts) are scanned non-strictly: a dangerous import always fails the
// check; everything else is only reported when the file looks like a pickle (isPickleLike: it starts
// with PROTO 2-5, or walks at least three opcodes and starts like a protocol 0/1 pickle, imports a
// real module name or reaches STOP). For such a file any point where the walk stops (unknown opcode,
// malformed argument, truncation, scan limit) is an error: pickle.load may go on where the scanner
// cannot, so the registry cannot show the rest is safe. Text (CSV, JSON, markdown), safetensors and
// raw data stop at once and are ignored. Only the first HEAD_BYTES of a large extra file are read
// unless that prefix is inconclusive. Nothing here loads or executes the artifact: non-ONNX artifacts are
// stored and downloadable but the registry never runs them.
//
// Sizes: every file is read as a stream (byte-source.ts), so memory stays flat whatever its size,
// and any file up to the scan limit (ctx.limits.maxScanBytes, CHECK_MAX_SCAN_BYTES, by default the
// upload limit) is scanned: pickles are walked in one pass, zip archives are read from their central
// directory and their pickle entries streamed, safetensors files are judged by their header alone.
// The one format decoded in memory is ONNX (protobuf, under 2 GiB by design), bounded by the
// model-loading limit thresholds.security.maxArtifactBytes that the checks running the model use.
//
// Compressed joblib: zlib and gzip (joblib's "zlib"/"gzip" compressors) are inflated once to measure
// them (bounded by the scan limit: a decompression bomb stops there) and again as the walk reads.
// bz2, xz/lzma and lz4 cannot be inflated with node's zlib, so such a file fails with
// "pickle_compressed_unsupported": a pickle the registry cannot read cannot be shown safe.
import { formatBytes as formatBinaryBytes } from "../../format/bytes.ts";
import type { CheckContext, CheckFunction, CheckOutcome, Finding } from "../types.ts";
import {
  bytesSource,
  inflatedSource,
  inflateStream,
  KEEP_IN_MEMORY_BYTES,
  measure,
  readRange,
  readTail,
  StreamTooLargeError,
  TAIL_BYTES,
  type ByteSource,
  type Measured,
} from "./byte-source.ts";
import { checkExternalData, decodeOnnxModel, InvalidOnnxModelError } from "./onnx-external-data.ts";
import { describeImportEffect, opcodeName, scanPickle, scanPickleSource, type PickleImport, type PickleScanResult } from "./pickle-scan.ts";
import { checkSafetensorsHead, readSafetensorsHead } from "./safetensors-check.ts";
import { hasZipDirectory, looksLikePickleEntry, startsLikeZip, ZipArchive, ZipError } from "./zip-archive.ts";

/** Extra files with these names are scanned as pickles whatever their first bytes. */
const PICKLE_NAME = /\.(pkl|pickle|joblib)(\.(gz|z|zlib|bz2|xz|lzma|lz4))?$/i;
/** Nesting depth for archive-in-archive / compressed-in-archive, so a hostile file cannot recurse forever. */
const MAX_NESTING = 3;
/** How much of a large extra file is walked first; the rest is read only when this prefix is inconclusive. */
const HEAD_BYTES = 64 * 1024;
/** What the format sniffing looks at: magic numbers, compression headers, a protocol 0/1 pickle's start. */
const SNIFF_BYTES = 512;
/** How often a long scan of the artifact reports progress. */
const PROGRESS_EVERY_BYTES = 64 * 1024 * 1024;

type Scope = {
  /** Human label: "model.pt (zip entry archive/data.pkl)". */
  label: string;
  /** The envelope path, for details. */
  file: string;
  entry?: string;
  /**
   * Strict: the file is declared or named as a pickle, so anything we cannot read is an error.
   * Not strict: an extra file that merely starts like a pickle or zip; only dangerous imports fail.
   */
  strict: boolean;
  depth: number;
};

class SecurityReport {
  readonly findings: Finding[] = [];
  picklesScanned = 0;
  importsSeen = 0;
  readonly importNames = new Set<string>();
  readonly dangerousImports = new Set<string>();
  filesScanned: string[] = [];

  add(finding: Finding) {
    this.findings.push(finding);
  }
  get hasErrors(): boolean {
    return this.findings.some((f) => f.severity === "error");
  }
}

export const runSecurityCheck: CheckFunction = async (ctx) => {
  const report = new SecurityReport();
  const { path, format } = ctx.manifest.artifact;
  const scanLimit = ctx.limits.maxScanBytes;
  // ONNX is decoded in memory (and loaded by the other checks): the model-loading limit applies.
  const limit = format === "onnx" ? ctx.thresholds.security.maxArtifactBytes : scanLimit;
  const metrics: Record<string, unknown> = { format, limitBytes: limit, scanLimitBytes: scanLimit };
  ctx.progress(0, "checking the artifact size");

  const artifact = ctx.files.list.get(path);
  if (!artifact) {
    report.add({ severity: "error", code: "artifact_missing", message: `the artifact '${path}' declared in the manifest is not among the version's files`, details: { file: path } });
  } else {
    metrics.artifactBytes = artifact.size;
    if (artifact.size > limit) {
      report.add({
        severity: "error",
        code: "artifact_too_large",
        message:
          format === "onnx"
            ? `artifact is ${formatBytes(artifact.size)}, limit ${formatBytes(limit)}: the registry does not load ONNX models above the model-loading limit (maxArtifactBytes)`
            : `artifact is ${formatBytes(artifact.size)}, limit ${formatBytes(limit)}: the registry does not scan files above the scan limit (CHECK_MAX_SCAN_BYTES)`,
        details: { file: path, size: artifact.size, limit },
      });
    } else {
      ctx.progress(0.1, `inspecting ${path} (${format})`);
      ctx.log(`security: inspecting artifact ${path} (${format}, ${artifact.size} bytes)`);
      await inspectArtifact(ctx, report, path, format, fileSource(ctx, path, artifact.size, true), metrics);
    }
  }

  // Any other file that looks like a pickle is scanned too: a payload smuggled next to a safe model
  // is just as dangerous to whoever downloads the version.
  const others = [...ctx.files.list].filter(([p, f]) => p !== path && f.size > 0);
  const allowList = ctx.thresholds.security.pickleAllowList;
  for (const [i, [file, info]] of others.entries()) {
    ctx.signal.throwIfAborted();
    ctx.progress(0.6 + (0.4 * i) / others.length, `looking at ${file}`);
    const byName = PICKLE_NAME.test(file);
    const whole = fileSource(ctx, file, info.size, false);
    let head: Uint8Array;
    try {
      head = byName ? new Uint8Array(0) : await readRange(whole, 0, HEAD_BYTES);
    } catch (e) {
      report.add({ severity: "warning", code: "file_unreadable", message: `${file} could not be read for the security scan: ${(e as Error).message}`, details: { file } });
      continue;
    }
    if (info.size > scanLimit) {
      if (byName || startsLikePickle(head) || startsLikeZip(head) || isPickleLike(head, scanPickle(head, { allowList })))
        report.add({
          severity: byName ? "error" : "warning",
          code: "file_too_large_to_scan",
          message: `${file} looks like a pickle but is ${formatBytes(info.size)}, above the ${formatBytes(scanLimit)} scan limit, so it was not scanned`,
          details: { file, size: info.size, limit: scanLimit },
        });
      continue;
    }
    let source = bytesSource(head);
    if (byName || info.size > head.length) {
      if (!byName && !startsLikeZip(head)) {
        // A prefix whose walk stops on something other than its own end (truncation) stops pickle.load
        // at the same byte, so the rest of the file cannot matter unless the prefix looks like a pickle.
        const quick = scanPickle(head, { allowList });
        const stop = quick.problems[0];
        if (stop && stop.code !== "pickle_truncated" && stop.code !== "pickle_scan_limit" && quick.dangerous.length === 0 && !isPickleLike(head, quick))
          continue;
      }
      source = whole;
    }
    if (byName) ctx.log(`security: scanning extra file ${file} (${info.size} bytes) for pickle payloads`);
    if (await scanPickleLike(ctx, report, source, { label: file, file, strict: byName, depth: 0 })) report.filesScanned.push(file);
  }

  ctx.progress(1, "security scan finished");
  metrics.picklesScanned = report.picklesScanned;
  metrics.importsSeen = report.importsSeen;
  metrics.imports = [...report.importNames].sort().slice(0, 500);
  metrics.dangerousImports = [...report.dangerousImports].sort();
  metrics.extraFilesScanned = report.filesScanned;
  return outcome(report, metrics, format);
};

/**
 * A file of the version as a ByteSource. Reads from the start to the end are full reads, verified
 * against the file's digest as they flow; anything else is a ranged read. `reportProgress`: a long
 * read of the artifact moves the check's progress bar.
 */
function fileSource(ctx: CheckContext, path: string, size: number, reportProgress: boolean): ByteSource {
  let reported = 0;
  return {
    size,
    seekable: true,
    async *read(start, end = size) {
      if (end <= start) return;
      const stream = await ctx.files.open(path, start === 0 && end === size ? undefined : { start, end: end - 1 });
      let at = start;
      try {
        for await (const chunk of stream) {
          yield chunk as Uint8Array;
          at += (chunk as Uint8Array).length;
          if (reportProgress && at - reported >= PROGRESS_EVERY_BYTES) {
            reported = at;
            ctx.progress(0.1 + (0.5 * at) / size, `scanning ${path}: ${formatBinaryBytes(at)} of ${formatBinaryBytes(size)}`);
          }
        }
      } finally {
        stream.destroy();
      }
    },
  };
}

async function inspectArtifact(ctx: CheckContext, report: SecurityReport, path: string, format: string, source: ByteSource, metrics: Record<string, unknown>) {
  switch (format) {
    case "pickle":
    case "joblib":
      await scanPickleLike(ctx, report, source, { label: path, file: path, strict: true, depth: 0 });
      report.add(neverExecuted(path, format));
      return;
    case "safetensors": {
      const result = checkSafetensorsHead(await readSafetensorsHead(source), source.size, path);
      for (const f of result.findings) report.add(f);
      metrics.safetensors = { tensors: result.tensorCount, headerBytes: result.headerBytes, dataBytes: result.dataBytes };
      report.add(neverExecuted(path, format));
      return;
    }
    case "onnx": {
      let model;
      try {
        model = decodeOnnxModel(await ctx.files.readBytes(path, ctx.thresholds.security.maxArtifactBytes));
      } catch (e) {
        if (!(e instanceof InvalidOnnxModelError)) throw e;
        report.add({ severity: "error", code: "onnx_invalid_model", message: `${path} is ${e.message}`, details: { file: path } });
        return;
      }
      const result = checkExternalData(model, path, ctx.files.list);
      for (const f of result.findings) report.add(f);
      metrics.onnx = { externalDataReferences: result.references.map((r) => ({ tensor: r.tensor, location: r.location ?? null, resolvedPath: r.resolvedPath ?? null })) };
      return;
    }
    default:
      // "other": nothing to parse, but a pickle (any protocol) or zip under another name is still scanned.
      await scanPickleLike(ctx, report, source, { label: path, file: path, strict: false, depth: 0 });
      report.add(neverExecuted(path, format));
  }
}

function neverExecuted(path: string, format: string): Finding {
  return {
    severity: "info",
    code: "artifact_not_executed",
    message: `${path} is a ${format} artifact: the registry stores it and serves it for download but never loads or executes it`,
    details: { file: path, format },
  };
}

/** PROTO with a real protocol number: how every protocol 2+ pickle (and legacy torch.save) begins. */
function startsLikePickle(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5;
}

type Compression = "gzip" | "zlib" | "bz2" | "xz" | "lzma" | "lz4";

function detectCompression(b: Uint8Array): Compression | undefined {
  if (b.length < 4) return undefined;
  if (b[0] === 0x1f && b[1] === 0x8b) return "gzip";
  if (b[0] === 0x78 && ((b[0] << 8) | b[1]!) % 31 === 0) return "zlib";
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return "bz2";
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58) return "xz";
  if (b[0] === 0x5d && b[1] === 0x00 && b[2] === 0x00) return "lzma";
  if (b[0] === 0x04 && b[1] === 0x22 && b[2] === 0x4d && b[3] === 0x18) return "lz4";
  return undefined;
}

/**
 * Protocol 0/1 pickles have no magic number, so: does this walk look like a real pickle rather than
 * text or binary data that merely starts with opcode-valued bytes? See the header comment. `bytes`
 * is the file or at least its first SNIFF_BYTES.
 */
export function isPickleLike(bytes: Uint8Array, result: PickleScanResult): boolean {
  const stop = result.problems[0];
  if (startsLikePickle(bytes)) return !(stop?.code === "pickle_unknown_opcode" && stop.offset === 2);
  const completed = stop ? result.opcodeCount - 1 : result.opcodeCount;
  if (completed < 3) return false;
  // A complete pickle with nothing after it (text such as "N.B. …" is a 2-opcode pickle plus junk).
  if (!stop && !result.notes.some((n) => n.code === "pickle_trailing_data")) return true;
  if (result.imports.some((i) => i.resolved && IDENTIFIER_PATH.test(i.module) && IDENTIFIER_PATH.test(i.name))) return true;
  return startsLikeProtocol01(bytes);
}

const IDENTIFIER_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `c<module>\n<name>\n` (GLOBAL), or MARK / an empty container followed by another opcode. */
function startsLikeProtocol01(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  if (bytes[0] === 0x63) {
    const text = new TextDecoder("latin1").decode(bytes.subarray(0, SNIFF_BYTES));
    return /^c[A-Za-z_][\w.]*\n[A-Za-z_][\w.]*\n/.test(text);
  }
  return [0x28, 0x7d, 0x5d, 0x29].includes(bytes[0]!) && !opcodeName(bytes[1]!).startsWith("0x");
}

/**
 * A pickle, a zip of pickles (PyTorch), or a compressed joblib dump — whichever the bytes are.
 * Returns whether anything was reported as scanned (always for strict scopes and zips).
 */
async function scanPickleLike(ctx: CheckContext, report: SecurityReport, source: ByteSource, scope: Scope): Promise<boolean> {
  const limit = ctx.limits.maxScanBytes;
  if (scope.depth > MAX_NESTING) {
    report.add({ severity: scope.strict ? "error" : "warning", code: "pickle_nesting_too_deep", message: `${scope.label} nests archives or compression more than ${MAX_NESTING} levels deep; not scanned further`, details: { file: scope.file } });
    return true;
  }
  const head = await readRange(source, 0, SNIFF_BYTES);
  if (startsLikeZip(head)) {
    await scanZip(ctx, report, source, scope);
    return true;
  }
  // A zip directory at the end of something that does not start like a zip: a polyglot that
  // pickle.load reads from the front and zipfile from the back. Scan it both ways.
  if (!startsLikePickle(head) && source.size >= 22 && hasZipDirectory(await readTail(source, TAIL_BYTES)))
    await scanZip(ctx, report, source, { ...scope, label: `${scope.label} (read as a zip archive)`, strict: false, depth: scope.depth + 1 });
  const compression = scope.strict ? detectCompression(head) : undefined;
  if (compression === "gzip" || compression === "zlib") {
    let measured: Measured;
    try {
      measured = await measure(inflateStream(source, compression), { maxBytes: limit, keepWhole: KEEP_IN_MEMORY_BYTES, signal: ctx.signal });
    } catch (e) {
      const tooLarge = e instanceof StreamTooLargeError;
      if (!tooLarge && !(e as { code?: string }).code?.startsWith("Z_")) throw e;
      report.add({
        severity: "error",
        code: tooLarge ? "pickle_decompressed_too_large" : "pickle_decompression_failed",
        message: tooLarge
          ? `${scope.label} is ${compression}-compressed and inflates past the ${formatBytes(limit)} limit (possible decompression bomb); it was not scanned`
          : `${scope.label} looks ${compression}-compressed but does not decompress (${(e as Error).message}); it could not be scanned`,
        details: { file: scope.file, entry: scope.entry, compression },
      });
      return true;
    }
    ctx.log(`security: ${scope.label} is ${compression}-compressed; scanning ${measured.size} inflated bytes`);
    const inflated = measured.bytes ? bytesSource(measured.bytes) : inflatedSource(source, compression, measured.size, measured.tail);
    await scanPickleLike(ctx, report, inflated, { ...scope, label: `${scope.label} (after ${compression} decompression)`, depth: scope.depth + 1 });
    return true;
  }
  if (compression) {
    report.add({
      severity: "error",
      code: "pickle_compressed_unsupported",
      message: `${scope.label} is ${compression}-compressed, which the registry cannot decompress, so it cannot be shown to be safe; upload it uncompressed or with zlib/gzip compression`,
      details: { file: scope.file, entry: scope.entry, compression },
    });
    return true;
  }
  const result = await scanPickleSource(source, { allowList: ctx.thresholds.security.pickleAllowList, signal: ctx.signal });
  const pickleLike = scope.strict || isPickleLike(head, result);
  if (!pickleLike && result.dangerous.length === 0) return false;
  report.picklesScanned++;
  ctx.log(`security: ${scope.label}: ${result.opcodeCount} opcodes, ${result.imports.length} imports, verdict ${result.verdict}`);
  addPickleFindings(report, result, scope, pickleLike);
  return true;
}

async function scanZip(ctx: CheckContext, report: SecurityReport, source: ByteSource, scope: Scope) {
  const zipProblem = (e: ZipError, entry?: string) =>
    report.add({
      severity: scope.strict ? "error" : "warning",
      code: e.code,
      message: `${scope.label}: ${e.message}${scope.strict ? "; a pickle inside it could not be inspected" : ""}`,
      details: { file: scope.file, entry: entry ?? scope.entry },
    });
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(source, { maxTotalBytes: ctx.limits.maxScanBytes }, ctx.signal);
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    zipProblem(e);
    return;
  }
  let pickles = 0;
  for (const entry of archive.entries) {
    if (entry.name.endsWith("/")) continue;
    try {
      const head = await archive.peek(entry, 4);
      const nested = startsLikeZip(head);
      if (!looksLikePickleEntry(entry.name, head) && !nested) continue;
      const content = await archive.open(entry, ctx.signal);
      pickles++;
      await scanPickleLike(ctx, report, content, {
        label: `${scope.label} (zip entry ${entry.name})`,
        file: scope.file,
        entry: scope.entry ? `${scope.entry}/${entry.name}` : entry.name,
        strict: scope.strict || /\.(pkl|pickle|joblib)$/i.test(entry.name),
        depth: scope.depth + 1,
      });
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      zipProblem(e, entry.name);
    }
  }
  if (pickles === 0)
    report.add({
      severity: "info",
      code: "zip_no_pickle",
      message: `${scope.label} is a zip archive with ${archive.entries.length} entries and no pickle in it`,
      details: { file: scope.file, entries: archive.entries.length },
    });
}

/**
 * `pickleLike` false (a non-strict file that does not look like a pickle but where the walk met a
 * dangerous import): only the dangerous imports are reported.
 */
function addPickleFindings(report: SecurityReport, result: PickleScanResult, scope: Scope, pickleLike: boolean) {
  const base = { file: scope.file, ...(scope.entry ? { entry: scope.entry } : {}) };
  report.importsSeen += result.imports.length;
  for (const imp of result.imports) report.importNames.add(imp.fullName);

  // One finding per distinct import name: a pickle that calls os.system ten times is one problem.
  const byName = new Map<string, PickleImport[]>();
  for (const imp of result.imports) byName.set(imp.fullName, [...(byName.get(imp.fullName) ?? []), imp]);
  for (const [name, imps] of byName) {
    const first = imps.find((i) => i.dangerous) ?? imps[0]!;
    const calls = imps.flatMap((i) => i.calls);
    const details = {
      ...base,
      import: name,
      module: first.module,
      name: first.name,
      opcode: first.opcode,
      offset: first.offset,
      offsets: imps.map((i) => i.offset).slice(0, 50),
      calls: calls.slice(0, 50),
      allowed: first.allowed,
      knownDangerous: first.knownDangerous,
    };
    if (imps.some((i) => i.dangerous)) {
      report.dangerousImports.add(name);
      const call = calls[0];
      const effect = describeImportEffect(first);
      const where = first.context ? ` (${first.context})` : "";
      const message = call?.via
        ? `${scope.label} imports ${name} (${first.opcode} at byte ${first.offset})${where} and hands it to ${call.via}, which can call it (${call.opcode} at byte ${call.offset}): loading this file would ${effect}`
        : call
        ? `${scope.label} imports ${name} (${first.opcode} at byte ${first.offset})${where} and calls it (${call.opcode} at byte ${call.offset}): loading this file would ${effect}`
        : `${scope.label} imports ${name} (${first.opcode} at byte ${first.offset})${where}, a known-dangerous or denied import; even without a direct call, other objects in the pickle or the code loading it can invoke it to ${effect}`;
      report.add({ severity: "error", code: first.resolved ? "pickle_dangerous_import" : "pickle_unresolved_import", message, details });
    } else if (!pickleLike) {
      continue;
    } else if (!first.allowed && !first.listed) {
      report.add({
        severity: "warning",
        code: first.resolved ? "pickle_unlisted_import" : "pickle_unresolved_import",
        message: `${scope.label} imports ${name} (${first.opcode} at byte ${first.offset}), which is not on the pickle allow-list; it is not called directly, but importing a module runs its top-level code`,
        details,
      });
    }
  }
  if (!pickleLike) return;
  // Any stop in something that looks like a pickle fails: pickle.load may read on where the scanner
  // stopped, so the rest of the file cannot be shown to be safe.
  for (const p of result.problems) {
    report.add({
      severity: "error",
      code: p.code,
      message: `${scope.label}: ${p.message}; the rest of the file could not be scanned, so it cannot be shown to be safe`,
      details: { ...base, offset: p.offset },
    });
  }
  for (const n of result.notes) {
    if (n.code === "pickle_inline_array") continue;
    report.add({
      severity: n.code === "pickle_indirect_call" ? "warning" : "info",
      code: n.code,
      message: `${scope.label}: ${n.message}`,
      details: { ...base, offset: n.offset },
    });
  }
  if (result.verdict === "safe" && result.imports.every((i) => i.allowed || i.listed))
    report.add({
      severity: "info",
      code: "pickle_scan_clean",
      message: `${scope.label}: ${result.opcodeCount} opcodes scanned, ${byName.size} distinct import(s), all allowed by the allow-list`,
      details: { ...base, imports: [...byName.keys()].slice(0, 100), protocol: result.protocol },
    });
}

function outcome(report: SecurityReport, metrics: Record<string, unknown>, format: string): CheckOutcome {
  const errors = report.findings.filter((f) => f.severity === "error");
  if (errors.length > 0) {
    const lead = errors.find((f) => f.code === "pickle_dangerous_import") ?? errors[0]!;
    const more = errors.length > 1 ? ` (+${errors.length - 1} more problem${errors.length > 2 ? "s" : ""})` : "";
    return { verdict: "fail", summary: `${lead.message}${more}`.slice(0, 1000), metrics, findings: report.findings };
  }
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  const tail = warnings > 0 ? `; ${warnings} warning(s)` : "";
  const what =
    format === "pickle" || format === "joblib"
      ? `${report.picklesScanned} pickle(s) scanned, no dangerous import`
      : format === "safetensors"
        ? "safetensors header valid"
        : format === "onnx"
          ? "ONNX model decodes and its external data stays inside the envelope"
          : "within the size limit; never executed by the registry";
  const extra = report.filesScanned.length > 0 ? `; ${report.filesScanned.length} other pickle-like file(s) scanned` : "";
  return { verdict: "pass", summary: `${what}${extra}${tail}`, metrics, findings: report.findings };
}

/** "1.5 MiB (1572864 bytes)": reviewers comparing a size with a limit want the exact number too. */
function formatBytes(n: number): string {
  return n < 1024 ? `${n} bytes` : `${formatBinaryBytes(n)} (${n} bytes)`;
}
