import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEnvelope, resolveEnvelopeFile } from "./envelope-files.ts";
import { CommandFailure } from "./errors.ts";

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

let base: string;
let root: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "cli-envelope-")));
  root = path.join(base, "envelope");
  mkdirSync(path.join(root, "sub"), { recursive: true });
  writeFileSync(path.join(base, "secret.txt"), "outside the envelope");
  writeFileSync(path.join(root, "model.onnx"), "model bytes");
  writeFileSync(path.join(root, "sub", "card.md"), "# card");
  symlinkSync(path.join(base, "secret.txt"), path.join(root, "leak.onnx"));
  symlinkSync(path.join(root, "model.onnx"), path.join(root, "alias.onnx"));
  symlinkSync(base, path.join(root, "up"));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("resolveEnvelopeFile", () => {
  it("accepts regular files inside the directory, also through an internal symlink", async () => {
    expect(await resolveEnvelopeFile(root, "model.onnx")).toEqual({ absolutePath: path.join(root, "model.onnx"), size: 11 });
    expect(await resolveEnvelopeFile(root, "sub/card.md")).toMatchObject({ absolutePath: path.join(root, "sub", "card.md") });
    expect(await resolveEnvelopeFile(root, "alias.onnx")).toMatchObject({ absolutePath: path.join(root, "model.onnx") });
  });

  it("refuses '..', absolute paths and symlinks that point outside", async () => {
    expect(await resolveEnvelopeFile(root, "../secret.txt")).toEqual({ problem: "escapes the envelope directory" });
    expect(await resolveEnvelopeFile(root, "sub/../../secret.txt")).toEqual({ problem: "escapes the envelope directory" });
    expect(await resolveEnvelopeFile(root, path.join(base, "secret.txt"))).toEqual({ problem: "must be a relative path inside the envelope directory" });
    expect(await resolveEnvelopeFile(root, "leak.onnx")).toMatchObject({ problem: expect.stringMatching(/outside the envelope directory/) });
    expect(await resolveEnvelopeFile(root, "up/secret.txt")).toMatchObject({ problem: expect.stringMatching(/outside the envelope directory/) });
  });

  it("reports missing files and directories", async () => {
    expect(await resolveEnvelopeFile(root, "nope.onnx")).toEqual({ problem: "declared in the manifest but not found" });
    expect(await resolveEnvelopeFile(root, "sub")).toEqual({ problem: "is not a regular file" });
  });
});

describe("collectEnvelope", () => {
  const write = (manifest: unknown) => writeFileSync(path.join(root, "manifest.json"), JSON.stringify(manifest));
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailure);
    return error as CommandFailure;
  };

  it("fills in sha256 and size of every declared file", async () => {
    write({ name: "m", version: "1.0.0", artifact: { path: "model.onnx", format: "onnx" }, card: "sub/card.md", files: { "model.onnx": { mediaType: "application/x-test" } } });
    const envelope = await collectEnvelope({ dir: root, model: "m" });
    expect(envelope.manifest.files).toEqual({
      "model.onnx": { mediaType: "application/x-test", sha256: sha256("model bytes"), size: 11 },
      "sub/card.md": { sha256: sha256("# card"), size: 6 },
    });
    expect(envelope.files.map((f) => [f.path, f.role, f.mediaType])).toEqual([
      ["model.onnx", "artifact", "application/x-test"],
      ["sub/card.md", "card", "text/markdown; charset=utf-8"],
    ]);
  });

  it("shows schema errors with their paths before anything is sent", async () => {
    write({ name: "m", version: "1.0", artifact: { path: "../model.onnx", format: "onnx" }, extra: 1 });
    const error = await failure(collectEnvelope({ dir: root, model: "m" }));
    expect(error.details.join("\n")).toMatch(/manifest\.version: version must be a semantic version/);
    expect(error.details.join("\n")).toMatch(/manifest\.artifact\.path: file path must not contain '\.' or '\.\.' segments/);
    expect(error.details.join("\n")).toMatch(/extra/);
  });

  it("refuses a manifest for another model, a symlink out of the envelope and a wrong declared digest", async () => {
    write({ name: "other", version: "1.0.0", artifact: { path: "model.onnx", format: "onnx" } });
    expect((await failure(collectEnvelope({ dir: root, model: "m" }))).details).toEqual(["manifest.name: is 'other' but --model is 'm'"]);

    write({ name: "m", version: "1.0.0", artifact: { path: "leak.onnx", format: "onnx" }, files: { "model.onnx": { sha256: "0".repeat(64) } } });
    const details = (await failure(collectEnvelope({ dir: root, model: "m" }))).details;
    expect(details[0]).toMatch(/^leak\.onnx: resolves to .*secret\.txt, outside the envelope directory/);
    expect(details[1]).toMatch(/^model\.onnx: the manifest declares sha256 0{64} but the file's is [0-9a-f]{64}$/);
  });

  it("applies the server's upload rules: media types and bounded, not over-deep, free-form JSON", async () => {
    const base = { name: "m", version: "1.0.0", artifact: { path: "model.onnx", format: "onnx" } };
    write({ ...base, files: { "model.onnx": { mediaType: "text/plain\r\nSet-Cookie: a=1" } }, metadata: { big: "x".repeat(10_001) } });
    expect((await failure(collectEnvelope({ dir: root, model: "m" }))).details).toEqual([
      "manifest.metadata.big: string of 10001 characters; at most 10000 allowed",
      expect.stringMatching(/^manifest\.files\.model\.onnx\.mediaType: must be a media type/),
    ]);
    writeFileSync(path.join(root, "manifest.json"), JSON.stringify(base).replace(/}$/, `,"metadata":{"x":${"[".repeat(5000)}${"]".repeat(5000)}}}`));
    expect((await failure(collectEnvelope({ dir: root, model: "m" }))).message).toBe("manifest.json is nested deeper than 64 levels (free-form fields allow 32)");
  });

  it("says so when there is no manifest.json", async () => {
    const empty = mkdtempSync(path.join(base, "empty-"));
    expect((await failure(collectEnvelope({ dir: empty, model: "m" }))).message).toMatch(/cannot read .*manifest\.json: ENOENT/);
  });
});
