import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContextOptions } from "../testing/context.ts";
import type { Finding } from "../types.ts";
import { runSecurityCheck } from "./security-check.ts";
import {
  benignDictOfLists,
  buildZip,
  joblibArrayHidingCall,
  joblibLike,
  memoizedSystemCall,
  numpySavetxtCall,
  pendingCall,
  onnxWithExternalData,
  pickle,
  protocol0SystemCall,
  protocol4SystemCall,
  safetensors,
  sklearnLikeEstimator,
  torchLikeZip,
  writeSparseSafetensors,
  writeSparseZip,
} from "./test-builders.ts";

type Format = "onnx" | "pickle" | "joblib" | "safetensors" | "other";

type Limits = { maxArtifactBytes?: number; maxScanBytes?: number };

async function check(path: string, format: Format, files: TestContextOptions["files"], { maxArtifactBytes, maxScanBytes }: Limits = {}) {
  const ctx = createTestContext({
    manifest: { name: "m", version: "1.0.0", artifact: { path, format } },
    files,
    thresholds: maxArtifactBytes ? { security: { maxArtifactBytes } } : undefined,
    limits: maxScanBytes ? { maxScanBytes } : undefined,
  });
  const outcome = await runSecurityCheck(ctx);
  return { ...outcome, ctx };
}

const errors = (findings: Finding[]) => findings.filter((f) => f.severity === "error");
const target = () => join(tmpdir(), `registry-security-check-${randomUUID()}`);
const f8 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

describe("runSecurityCheck: malicious pickles fail, and nothing runs", () => {
  it("a protocol 0 os.system pickle: the finding names the file, the import, the call and its offset", async () => {
    const path = target();
    const bytes = protocol0SystemCall(`touch ${path}`);
    const outcome = await check("model.pkl", "pickle", { "model.pkl": bytes });
    expect(outcome.verdict).toBe("fail");
    const finding = errors(outcome.findings).find((f) => f.code === "pickle_dangerous_import")!;
    const reduceAt = bytes.lastIndexOf(0x52);
    expect(finding.message).toBe(`model.pkl imports os.system (GLOBAL at byte 0) and calls it (REDUCE at byte ${reduceAt}): loading this file would run a shell command`);
    expect(finding.details).toMatchObject({ file: "model.pkl", import: "os.system", offset: 0, calls: [{ opcode: "REDUCE", offset: reduceAt }] });
    expect(outcome.summary).toContain("os.system");
    expect(outcome.metrics.dangerousImports).toEqual(["os.system"]);
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ["protocol 4 STACK_GLOBAL", (cmd: string) => protocol4SystemCall(cmd), "posix.system"],
    ["memoized imports", (cmd: string) => memoizedSystemCall(cmd), "os.system"],
  ])("%s", async (_, build, name) => {
    const path = target();
    const outcome = await check("model.pkl", "pickle", { "model.pkl": build(`touch ${path}`) });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.metrics.dangerousImports).toEqual([name]);
    expect(existsSync(path)).toBe(false);
  });

  it.each([0, 8] as const)("nested in a PyTorch-style zip as archive/data.pkl (method %i)", async (method) => {
    const path = target();
    const outcome = await check("model.pt", "pickle", { "model.pt": torchLikeZip(protocol4SystemCall(`touch ${path}`), method) });
    expect(outcome.verdict).toBe("fail");
    const finding = errors(outcome.findings).find((f) => f.code === "pickle_dangerous_import")!;
    expect(finding.message).toMatch(/^model\.pt \(zip entry archive\/data\.pkl\) imports posix\.system \(STACK_GLOBAL at byte \d+\) and calls it \(REDUCE at byte \d+\)/);
    expect(finding.details).toMatchObject({ file: "model.pt", entry: "archive/data.pkl", import: "posix.system" });
    expect(existsSync(path)).toBe(false);
  });

  it("in a joblib-style file, behind inline numpy array data", async () => {
    const path = target();
    const bytes = joblibLike([{ dtype: "f8", shape: [4], data: f8([1, 2, 3, 4]) }], (p) =>
      p.unicode("hook").unicode("os").unicode("system").stackGlobal().unicode(`touch ${path}`).tuple1().reduce().setitem(),
    );
    const outcome = await check("model.joblib", "joblib", { "model.joblib": bytes });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.metrics.dangerousImports).toEqual(["os.system"]);
    expect(existsSync(path)).toBe(false);
  });

  it("in a zlib-compressed joblib file (joblib compress=True)", async () => {
    const path = target();
    const outcome = await check("model.joblib", "joblib", { "model.joblib": deflateSync(protocol0SystemCall(`touch ${path}`)) });
    expect(outcome.verdict).toBe("fail");
    const finding = errors(outcome.findings)[0]!;
    expect(finding.message).toMatch(/^model\.joblib \(after zlib decompression\) imports os\.system \(GLOBAL at byte 0\) and calls it/);
    expect(existsSync(path)).toBe(false);
  });

  it("a compression node cannot inflate (xz) fails as unscannable rather than passing", async () => {
    const xz = Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]);
    const outcome = await check("model.joblib", "joblib", { "model.joblib": xz });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.code)).toEqual(["pickle_compressed_unsupported"]);
  });

  it("a decompression bomb is stopped at the scan limit", async () => {
    const bomb = gzipSync(new Uint8Array(4 * 1024 * 1024));
    const outcome = await check("model.joblib", "joblib", { "model.joblib": bomb }, { maxScanBytes: 1024 * 1024 });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.code)).toEqual(["pickle_decompressed_too_large"]);
  });

  it("a zip bomb inside a torch-style archive is stopped", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", data: new Uint8Array(4 * 1024 * 1024), method: 8, declaredSize: 10 }]);
    const outcome = await check("model.pt", "pickle", { "model.pt": zip }, { maxScanBytes: 1024 * 1024 });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.code)).toEqual(["zip_too_large"]);
  });

  it("an encrypted pickle entry cannot be inspected, so it fails", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", data: benignDictOfLists(), flags: 1 }]);
    const outcome = await check("model.pt", "pickle", { "model.pt": zip });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.code)).toEqual(["zip_encrypted_entry"]);
  });

  it("a truncated or garbage pickle gives a clear finding, not a crash", async () => {
    const truncated = protocol4SystemCall("x").subarray(0, 6); // inside the SHORT_BINUNICODE "posix"
    const a = await check("model.pkl", "pickle", { "model.pkl": truncated });
    expect(a.verdict).toBe("fail");
    expect(errors(a.findings).map((f) => f.code)).toEqual(["pickle_truncated"]);
    expect(errors(a.findings)[0]!.message).toMatch(/^model\.pkl: the pickle ends inside SHORT_BINUNICODE at byte 2 .* cannot be shown to be safe$/);
    const garbage = await check("model.pkl", "pickle", { "model.pkl": Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) });
    expect(garbage.verdict).toBe("fail");
    expect(errors(garbage.findings)[0]!.message).toContain("unknown opcode 0xde at offset 0");
  });

  it("a malicious pickle smuggled as an extra file fails an otherwise clean ONNX version", async () => {
    const path = target();
    const outcome = await check("model.onnx", "onnx", {
      "model.onnx": onnxWithExternalData([]),
      "extras/helper.pkl": protocol0SystemCall(`touch ${path}`),
      "weights.bin": protocol4SystemCall(`touch ${path}`),
      "notes.txt": "just text",
    });
    expect(outcome.verdict).toBe("fail");
    const named = errors(outcome.findings).map((f) => [f.details?.file, f.details?.import]);
    expect(named).toEqual([
      ["extras/helper.pkl", "os.system"],
      ["weights.bin", "posix.system"],
    ]);
    expect(outcome.metrics.extraFilesScanned).toEqual(["extras/helper.pkl", "weights.bin"]);
    expect(existsSync(path)).toBe(false);
  });

  it("a pickle with a benign zip appended (a polyglot) is scanned from the front too", async () => {
    const path = target();
    const polyglot = Buffer.concat([protocol0SystemCall(`touch ${path}`), buildZip([{ name: "data.pkl", data: benignDictOfLists() }])]);
    const outcome = await check("model.pkl", "pickle", { "model.pkl": polyglot });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.metrics.dangerousImports).toEqual(["os.system"]);
    expect(outcome.metrics.picklesScanned).toBe(2);
    expect(existsSync(path)).toBe(false);
  });

  it("a user class handed to copyreg._reconstructor (protocol 0 object pickle) is reported as such", async () => {
    const bytes = pickle()
      .global("copy_reg", "_reconstructor").mark().global("mylib", "Model").global("__builtin__", "object").none().tuple().reduce()
      .stop().bytes();
    const outcome = await check("model.pkl", "pickle", { "model.pkl": bytes });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.message)).toEqual([
      `model.pkl imports mylib.Model (GLOBAL at byte 26) and hands it to copy_reg._reconstructor, which can call it (REDUCE at byte ${bytes.length - 2}): loading this file would run code from 'mylib', which is not on the pickle allow-list`,
    ]);
  });

  it("a format 'other' artifact that is really a pickle is scanned", async () => {
    const outcome = await check("blob.dat", "other", { "blob.dat": protocol4SystemCall("id") });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.metrics.dangerousImports).toEqual(["posix.system"]);
  });
});

describe("runSecurityCheck: benign artifacts pass", () => {
  it("an sklearn-like pickle passes, says it is never executed, and reports progress", async () => {
    const outcome = await check("model.pkl", "pickle", { "model.pkl": sklearnLikeEstimator() });
    expect(outcome.verdict).toBe("pass");
    expect(errors(outcome.findings)).toEqual([]);
    expect(outcome.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["pickle_scan_clean", "artifact_not_executed"]));
    expect(outcome.summary).toMatch(/1 pickle\(s\) scanned, no dangerous import/);
    expect(outcome.ctx.progressReports.at(-1)).toEqual({ fraction: 1, message: "security scan finished" });
    expect(outcome.ctx.logs.some((l) => l.includes("model.pkl"))).toBe(true);
  });

  it("a joblib-style file with inline arrays passes, plain and gzip-compressed", async () => {
    const bytes = joblibLike([
      { dtype: "f8", shape: [2, 3], data: f8([1, 2, 3, 4, 5, 6]) },
      { dtype: "i8", shape: [2], data: new Uint8Array(16).fill(0x52) },
    ]);
    for (const file of [bytes, gzipSync(bytes)]) {
      const outcome = await check("model.joblib", "joblib", { "model.joblib": file });
      expect(outcome.verdict, outcome.summary).toBe("pass");
    }
  });

  it("a torch-style zip whose data.pkl is benign passes", async () => {
    const outcome = await check("model.pt", "pickle", { "model.pt": torchLikeZip(benignDictOfLists(), 8) });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.metrics.picklesScanned).toBe(1);
  });

  it("an unlisted but uncalled import is a warning, not a failure", async () => {
    const bytes = pickle().proto(2).global("mylib", "Thing").binput(0).pop().none().stop().bytes();
    const outcome = await check("model.pkl", "pickle", { "model.pkl": bytes });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.findings.filter((f) => f.severity === "warning").map((f) => f.code)).toEqual(["pickle_unlisted_import"]);
  });

  it("an extra file that only starts like a pickle (a safetensors header of 640 bytes) does not warn", async () => {
    const base = { w: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, __metadata__: { pad: "" } };
    const header = { ...base, __metadata__: { pad: "x".repeat(640 - JSON.stringify(base).length) } };
    const st = safetensors(header, new Uint8Array(4));
    expect([st[0], st[1]]).toEqual([0x80, 0x02]);
    const outcome = await check("model.onnx", "onnx", { "model.onnx": onnxWithExternalData([]), "extra.safetensors": st });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it("format 'other' passes the size check with an info finding", async () => {
    const outcome = await check("model.bin", "other", { "model.bin": "opaque weights" });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.findings.map((f) => [f.severity, f.code])).toEqual([["info", "artifact_not_executed"]]);
  });
});

describe("runSecurityCheck: regressions found in review", () => {
  const latin = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0));
  const onnxBase = () => ({ "model.onnx": onnxWithExternalData([]) });

  it("a numpy.savetxt pickle fails with the default allow-list", async () => {
    const outcome = await check("model.pkl", "pickle", { "model.pkl": numpySavetxtCall("/tmp/x.pth", "import os") });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings)[0]?.message).toMatch(/^model\.pkl imports numpy\.savetxt \(GLOBAL at byte 2\) and calls it \(REDUCE at byte \d+\)/);
  });

  it.each(["pickle", "joblib"] as const)("a call hidden in joblib array bytes fails as %s", async (format) => {
    const bytes = joblibArrayHidingCall(pendingCall("zipfile", "ZipFile", "/tmp/never", "w"));
    const outcome = await check("model.pkl", format, { "model.pkl": bytes });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.summary).toMatch(/imports zipfile\.ZipFile \(GLOBAL at byte \d+\) \(read as opcodes by a plain pickle\.load from the inline joblib array data/);
  });

  it("a protocol 0 pickle as an extra file with any name is scanned and fails", async () => {
    const outcome = await check("model.onnx", "onnx", { ...onnxBase(), "notes.dat": protocol0SystemCall("touch /tmp/never") });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.summary).toMatch(/^notes\.dat imports os\.system \(GLOBAL at byte 0\) and calls it/);
  });

  it("a protocol 1 pickle (no PROTO) of an unlisted class as an extra file fails", async () => {
    const bytes = pickle().raw(0x7d /* EMPTY_DICT */).binput(0).unicode("m").raw(pendingCall("mylib", "Model")).reduce().setitem().stop().bytes();
    const outcome = await check("model.onnx", "onnx", { ...onnxBase(), "state": bytes });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.summary).toMatch(/^state imports mylib\.Model/);
  });

  it("a scanner stop in an extra file or 'other' artifact that looks like a pickle fails, naming file, opcode and offset", async () => {
    const stops = latin("\x80\x02]\xf7cos\nsystem\n(S'id'\ntR.");
    const extra = await check("model.onnx", "onnx", { ...onnxBase(), "extra.bin": stops });
    expect(extra.verdict).toBe("fail");
    expect(errors(extra.findings).map((f) => [f.code, f.message])).toEqual([
      ["pickle_unknown_opcode", "extra.bin: unknown opcode 0xf7 at offset 3: this is not a valid pickle from here on; the rest of the file could not be scanned, so it cannot be shown to be safe"],
    ]);
    const other = await check("model.bin", "other", { "model.bin": stops });
    expect(other.verdict).toBe("fail");
    const p0 = await check("model.onnx", "onnx", { ...onnxBase(), "x.txt": latin("(lp0\nI1\naI2\na\xf7") });
    expect(p0.verdict).toBe("fail");
    expect(errors(p0.findings)[0]?.message).toMatch(/^x\.txt: unknown opcode 0xf7 at offset 13/);
  });

  it("INT 0x10 before the payload in an extra file no longer stops the scan", async () => {
    const outcome = await check("model.onnx", "onnx", { ...onnxBase(), "extra.bin": latin("\x80\x02I0x10\n0cos\nsystem\n(S'id'\ntR.") });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.code)).toEqual(["pickle_dangerous_import"]);
  });

  it("text and data extra files (CSV, JSON, markdown, labels, raw floats, a large text file) are ignored quietly", async () => {
    const files = {
      ...onnxBase(),
      "eval.csv": "class,age,income\n0,31,52000.5\n1,45,61000\n",
      "labels.txt": "cat\ndog\nbird\n",
      "meta.json": JSON.stringify({ name: "m", classes: ["a", "b"] }),
      "README.md": "# Model\n\nNotes about the model.\n",
      "notes.txt": "N.B. trained on 2024 data\n",
      "weights.raw": f8([1, 2.5, -3, 0.125]),
      "big.csv": "credit_score,age\n" + "700,31\n".repeat(20_000),
    };
    const outcome = await check("model.onnx", "onnx", files);
    expect(outcome.verdict).toBe("pass");
    expect(outcome.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(outcome.findings.filter((f) => f.code.startsWith("pickle_"))).toEqual([]);
    expect(outcome.metrics.extraFilesScanned).toEqual([]);
  });

  it("a pickle payload after a large benign prefix of an extra file is still found", async () => {
    const body = pickle().proto(2).mark();
    for (let i = 0; i < 9000; i++) body.binfloat(i);
    const bytes = body.raw(0x6c).pop().raw(protocol0SystemCall("id")).bytes();
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const outcome = await check("model.onnx", "onnx", { ...onnxBase(), "cache.bin": bytes });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.summary).toMatch(/^cache\.bin imports os\.system/);
  });
});

describe("runSecurityCheck: size limits", () => {
  it("an artifact above the scan limit fails without being read", async () => {
    const outcome = await check("model.pkl", "pickle", { "model.pkl": new Uint8Array(2048) }, { maxScanBytes: 1024 });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings.map((f) => f.code)).toEqual(["artifact_too_large"]);
    expect(outcome.summary).toMatch(/^artifact is 2\.0 KiB \(2048 bytes\), limit 1\.0 KiB \(1024 bytes\): .*scan limit/);
    expect(outcome.ctx.bytesRead).toEqual({});
  });

  it("the model-loading limit (maxArtifactBytes) no longer bounds what is scanned", async () => {
    const bytes = sklearnLikeEstimator();
    const outcome = await check("model.pkl", "pickle", { "model.pkl": bytes }, { maxArtifactBytes: 64 });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.metrics).toMatchObject({ artifactBytes: bytes.length, limitBytes: outcome.ctx.limits.maxScanBytes, scanLimitBytes: outcome.ctx.limits.maxScanBytes });
  });

  it("an ONNX model above maxArtifactBytes fails: it is decoded in memory, like the other checks load it", async () => {
    const model = onnxWithExternalData([]);
    const outcome = await check("model.onnx", "onnx", { "model.onnx": model }, { maxArtifactBytes: model.length - 1 });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings.map((f) => f.code)).toEqual(["artifact_too_large"]);
    expect(outcome.summary).toMatch(/model-loading limit \(maxArtifactBytes\)$/);
  });

  it("an extra file named like a pickle above the scan limit fails; other large files are left alone", async () => {
    const files = { "model.onnx": onnxWithExternalData([]), "big.pkl": new Uint8Array(4096), "big.bin": new Uint8Array(4096).fill(0x41) };
    const outcome = await check("model.onnx", "onnx", files, { maxScanBytes: 2048 });
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => [f.code, f.details?.file])).toEqual([["file_too_large_to_scan", "big.pkl"]]);
  });
});

describe("runSecurityCheck: safetensors", () => {
  it("a valid file passes", async () => {
    const bytes = safetensors({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8));
    const outcome = await check("model.safetensors", "safetensors", { "model.safetensors": bytes });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.metrics.safetensors).toEqual({ tensors: 1, headerBytes: expect.any(Number), dataBytes: 8 });
  });

  it("a header longer than the file fails", async () => {
    const bytes = safetensors({}, new Uint8Array(0), { declaredHeaderLength: 99n });
    const outcome = await check("model.safetensors", "safetensors", { "model.safetensors": bytes });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings.map((f) => f.code)).toContain("safetensors_header_too_large");
  });
});

describe("runSecurityCheck: ONNX external data", () => {
  const run = (location: string, extra: Record<string, Uint8Array> = {}) =>
    check("model.onnx", "onnx", { "model.onnx": onnxWithExternalData([{ location }]), ...extra });

  it.each([
    ["../x", "onnx_external_data_outside_envelope"],
    ["/etc/passwd", "onnx_external_data_outside_envelope"],
    ["weights.bin", "onnx_external_data_missing"],
  ])("location %j fails", async (location, code) => {
    const outcome = await run(location);
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.code)).toEqual([code]);
  });

  it("a location naming a file of the envelope passes", async () => {
    const outcome = await run("weights.bin", { "weights.bin": new Uint8Array(16) });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.metrics.onnx).toEqual({ externalDataReferences: [{ tensor: "w_0", location: "weights.bin", resolvedPath: "weights.bin" }] });
  });

  it("bytes that are not an ONNX model fail", async () => {
    const outcome = await check("model.onnx", "onnx", { "model.onnx": "not a model at all" });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings[0]).toMatchObject({ code: "onnx_invalid_model" });
    expect(outcome.findings[0]!.message).toMatch(/^model\.onnx is not a valid ONNX model/);
  });
});

describe("runSecurityCheck: files larger than memory (sparse files on disk, read as streams)", () => {
  const MiB = 1024 * 1024;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "registry-large-scan-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a 5 GiB safetensors file passes on its header alone; the same file one byte short fails", async () => {
    const path = join(dir, "model.safetensors");
    const tensors = [
      { name: "embed", dtype: "F16" as const, shape: [1024 * 1024, 2048] },
      { name: "head", dtype: "F32" as const, shape: [1024 * 1024, 256] },
    ];
    const written = writeSparseSafetensors(path, tensors);
    expect(written.dataBytes).toBe(5 * 1024 ** 3);
    const outcome = await check("model.safetensors", "safetensors", { "model.safetensors": { diskPath: path } });
    expect(outcome.verdict, outcome.summary).toBe("pass");
    expect(outcome.metrics.safetensors).toEqual({ tensors: 2, headerBytes: written.headerBytes, dataBytes: 5 * 1024 ** 3 });
    // The 8-byte length, then length + header: nothing of the data section.
    expect(outcome.ctx.bytesRead).toEqual({ "model.safetensors": 8 + 8 + written.headerBytes });

    truncateSync(path, written.size - 1);
    const short = await check("model.safetensors", "safetensors", { "model.safetensors": { diskPath: path } });
    expect(short.verdict).toBe("fail");
    expect(errors(short.findings).map((f) => [f.code, f.details?.tensor])).toEqual([["safetensors_offset_out_of_range", "head"]]);
    expect(short.ctx.bytesRead).toEqual({ "model.safetensors": 8 + 8 + written.headerBytes });
  });

  /** A torch.save-like zip: data.pkl holds one large byte string (a hole) and `after`; a large tensor entry. */
  function largeTorchZip(name: string, after: Uint8Array) {
    const path = join(dir, name);
    const head = pickle().proto(4).emptyDict().unicode("w").raw(0x8e, ...le64(40 * MiB)).bytes();
    const tail = Buffer.concat([pickle().setitem().bytes(), after, pickle().stop().bytes()]);
    writeSparseZip(path, [
      { name: "archive/data.pkl", parts: [head, 40 * MiB, tail] },
      { name: "archive/data/0", parts: [512 * MiB] },
      { name: "archive/version", parts: [new TextEncoder().encode("3\n")] },
    ]);
    return { path, headBytes: head.length };
  }

  it("a zip with large stored entries: the tensor entry is never read, the 40 MiB data.pkl is streamed", async () => {
    const { path } = largeTorchZip("model.pt", new Uint8Array(0));
    const outcome = await check("model.pt", "pickle", { "model.pt": { diskPath: path } });
    expect(outcome.verdict, outcome.summary).toBe("pass");
    expect(outcome.metrics.picklesScanned).toBe(1);
    // data.pkl once through for its CRC, its ends again for the walk; the 512 MiB entry only peeked at.
    expect(outcome.ctx.bytesRead["model.pt"]).toBeGreaterThan(40 * MiB);
    expect(outcome.ctx.bytesRead["model.pt"]).toBeLessThan(42 * MiB);
  });

  it("a payload behind the large byte string of a zipped data.pkl is found, at its offset", async () => {
    const payload = pickle().unicode("x").raw(pendingCall("os", "system", "id")).reduce().setitem().bytes();
    const { path, headBytes } = largeTorchZip("evil.pt", payload);
    const outcome = await check("evil.pt", "pickle", { "evil.pt": { diskPath: path } });
    expect(outcome.verdict).toBe("fail");
    const finding = errors(outcome.findings).find((f) => f.code === "pickle_dangerous_import")!;
    expect(finding.details).toMatchObject({ file: "evil.pt", entry: "archive/data.pkl", import: "os.system" });
    // After the byte string: SETITEM (1 byte), SHORT_BINUNICODE "x" (3), then the GLOBAL.
    expect(headBytes).toBe(2 + 1 + 3 + 9);
    expect(finding.details?.offset).toBe(headBytes + 40 * MiB + 1 + 3);
  });
});

function le64(n: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = n; i < 8; i++, v = Math.floor(v / 256)) out.push(v % 256);
  return out;
}
