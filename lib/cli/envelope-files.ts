// Reading an envelope directory before upload: manifest.json validated with the server's own
// schema (so mistakes show before gigabytes are sent), every declared file located strictly inside
// the directory, and each file's sha256 and size computed by streaming. The digests go into the
// manifest, which makes the server verify the bytes it receives against what was on disk here.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { declaredFiles, mediaTypeFor, parseManifestText, type FileRole, type Manifest } from "../registry/envelope.ts";
import { CommandFailure } from "./errors.ts";

export type EnvelopeFile = { path: string; role: FileRole; absolutePath: string; size: number; sha256: string; mediaType: string };

export type Envelope = {
  dir: string;
  /** The manifest as it will be sent: files[path].sha256/size filled in for every declared file. */
  manifest: Manifest;
  files: EnvelopeFile[];
};

export type CollectEnvelopeOptions = {
  dir: string;
  model: string;
  /** Called before each file is hashed, so a large envelope shows signs of life. */
  onHashing?(path: string, size: number): void;
};

export async function collectEnvelope({ dir, model, onHashing }: CollectEnvelopeOptions): Promise<Envelope> {
  const root = await realDirectory(dir);
  const manifestPath = path.join(root, "manifest.json");
  let text: string;
  try {
    text = await readFile(manifestPath, "utf8");
  } catch (error) {
    throw new CommandFailure(`cannot read ${path.join(dir, "manifest.json")}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const manifest = validateManifest(text, model);

  const declared = declaredFiles(manifest);
  const files: EnvelopeFile[] = [];
  const problems: string[] = [];
  for (const [relative, role] of declared) {
    const located = await resolveEnvelopeFile(root, relative);
    if ("problem" in located) {
      problems.push(`${relative}: ${located.problem}`);
      continue;
    }
    onHashing?.(relative, located.size);
    const { sha256, size } = await hashFile(located.absolutePath);
    const expected = manifest.files?.[relative];
    if (expected?.sha256 && expected.sha256 !== sha256)
      problems.push(`${relative}: the manifest declares sha256 ${expected.sha256} but the file's is ${sha256}`);
    if (expected?.size !== undefined && expected.size !== size)
      problems.push(`${relative}: the manifest declares ${expected.size} bytes but the file has ${size}`);
    files.push({ path: relative, role, absolutePath: located.absolutePath, size, sha256, mediaType: mediaTypeFor(relative, expected?.mediaType) });
  }
  if (problems.length) throw new CommandFailure(`the envelope in ${dir} cannot be pushed`, problems);

  const withDigests: Manifest = {
    ...manifest,
    files: Object.fromEntries(
      files.map((f) => [f.path, { ...manifest.files?.[f.path], sha256: f.sha256, size: f.size }]),
    ),
  };
  return { dir: root, manifest: withDigests, files };
}

function validateManifest(text: string, model: string): Manifest {
  const parsed = parseManifestText(text, model, "--model");
  if ("manifest" in parsed) return parsed.manifest;
  const { code, message, problems } = parsed.refusal;
  if (code === "invalid_manifest") throw new CommandFailure("manifest.json is invalid", problems.map((p) => `${p.path}: ${p.message}`));
  throw new CommandFailure(message);
}

async function realDirectory(dir: string): Promise<string> {
  try {
    const real = await realpath(dir);
    if (!(await stat(real)).isDirectory()) throw new CommandFailure(`${dir} is not a directory`);
    return real;
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    throw new CommandFailure(`cannot open the envelope directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export type ResolvedFile = { absolutePath: string; size: number } | { problem: string };

/**
 * Where a declared path really is, or why it may not be uploaded. The manifest schema already
 * refuses '..' and absolute paths; this checks again on the file system, after following symlinks,
 * because a symlink inside the envelope may point anywhere (e.g. ~/.ssh/id_rsa or the training set).
 * `root` must itself be a real path.
 */
export async function resolveEnvelopeFile(root: string, relative: string): Promise<ResolvedFile> {
  if (path.isAbsolute(relative) || relative.includes("\\")) return { problem: "must be a relative path inside the envelope directory" };
  const lexical = path.resolve(root, relative);
  if (!isInside(root, lexical)) return { problem: "escapes the envelope directory" };
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === "ENOENT" ? "declared in the manifest but not found" : `cannot be read (${code})` };
  }
  if (!isInside(root, real)) return { problem: `resolves to ${real}, outside the envelope directory (symlink?)` };
  const info = await stat(real);
  if (!info.isFile()) return { problem: "is not a regular file" };
  return { absolutePath: real, size: info.size };
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== "" && !relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative);
}

/** sha256 and size of a file, read in chunks. */
export async function hashFile(filePath: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}
