// `verify`: download a version's files and prove they are the bytes the registry signed. Every file
// is streamed through sha256 (to disk with --out, else discarded), then checkVersionIntegrity
// compares bytes, listing, manifest, manifest digest and signature. With --out nothing is left in
// place unless everything verified, so a CI job can never deploy half-verified files.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { filePathProblem } from "../registry/rules.ts";
import { CommandFailure } from "./errors.ts";
import { formatBytes } from "../format/bytes.ts";
import { RegistryHttpError, versionPath, type RegistryClient } from "./http-client.ts";
import { checkVersionIntegrity, type DownloadedFile, type IntegrityReport, type VersionRecord } from "./integrity-report.ts";

export type VerifyOptions = {
  client: RegistryClient;
  model: string;
  version: string;
  /** Keep the verified files (plus manifest.json and signature.json) here. */
  outDir?: string;
  /** A PEM file with the registry's public key, pinned out of band. Without it the key is fetched
   * from the same server, which proves the bytes are what the server signed but cannot detect a
   * server that re-signs with a different key. */
  publicKeyFile?: string;
  log?: NodeJS.WriteStream;
};

export type VerifyResult = { report: IntegrityReport; keySource: "pinned" | "server"; record: VersionRecord; written?: string };

export async function verifyVersion({ client, model, version, outDir, publicKeyFile, log = process.stderr }: VerifyOptions): Promise<VerifyResult> {
  const record = await client.requestJson<VersionRecord>("GET", versionPath(model, version));
  const publicKeyPem = publicKeyFile ? await readKeyFile(publicKeyFile) : await fetchSigningKey(client);

  const paths = [...new Set([...record.files.map((f) => f.path), ...Object.keys(asObject(record.manifest.files))])].sort();
  const total = record.files.reduce((sum, f) => sum + f.size, 0);
  log.write(`verifying ${model}@${record.version}: ${paths.length} file(s), ${formatBytes(total)} from ${client.baseUrl}\n`);

  const root = outDir ? path.resolve(outDir) : undefined;
  if (root) await mkdir(root, { recursive: true });
  const downloads: DownloadedFile[] = [];
  const partials: { partial: string; final: string }[] = [];
  for (const filePath of paths) {
    const target = root ? safeTarget(root, filePath) : undefined;
    if (target && "problem" in target) {
      downloads.push({ path: filePath, error: target.problem });
      continue;
    }
    const partial = target ? `${target.file}.partial` : undefined;
    if (partial) partials.push({ partial, final: target!.file });
    downloads.push(await downloadAndHash(client, model, record.version, filePath, partial));
  }

  const report = checkVersionIntegrity({ record, downloads, publicKeyPem });
  let written: string | undefined;
  if (root) {
    if (report.ok) {
      for (const { partial, final } of partials) await rename(partial, final);
      await writeFile(path.join(root, "manifest.json"), JSON.stringify(record.manifest, null, 2) + "\n");
      await writeFile(path.join(root, "signature.json"), JSON.stringify(record.signature, null, 2) + "\n");
      written = root;
    } else {
      await Promise.all(partials.map(({ partial }) => rm(partial, { force: true })));
    }
  }
  return { report, keySource: publicKeyFile ? "pinned" : "server", record, written };
}

async function fetchSigningKey(client: RegistryClient): Promise<string | undefined> {
  const key = await client.requestJson<{ keyId: string; publicKeyPem: string }>("GET", "/api/v1/signing-key", { anonymous: true });
  return typeof key.publicKeyPem === "string" ? key.publicKeyPem : undefined;
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new CommandFailure(`cannot read the public key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The server names the files; a hostile or broken one must not make us write outside --out. */
function safeTarget(root: string, filePath: string): { file: string } | { problem: string } {
  const problem = filePathProblem(filePath);
  if (problem) return { problem: `refusing to write it: the path ${problem}` };
  const file = path.resolve(root, filePath);
  const relative = path.relative(root, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return { problem: "refusing to write it: the path escapes --out" };
  return { file };
}

async function downloadAndHash(client: RegistryClient, model: string, version: string, filePath: string, partial?: string): Promise<DownloadedFile> {
  const hash = createHash("sha256");
  let size = 0;
  const measure = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  };
  try {
    const response = await client.request("GET", versionPath(model, version, filePath), { headers: { accept: "*/*" } });
    if (!response.body) return { path: filePath, error: "empty response" };
    const source = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
    if (partial) {
      await mkdir(path.dirname(partial), { recursive: true });
      await pipeline(source, measure, createWriteStream(partial));
    } else {
      for await (const _ of measure(source)) {
        // discarded: only the digest matters
      }
    }
    return { path: filePath, sha256: hash.digest("hex"), size };
  } catch (error) {
    if (error instanceof RegistryHttpError) return { path: filePath, error: `${error.status} ${error.problem.detail}` };
    // A server that finds a corrupt blob aborts the stream mid-way instead of sending wrong bytes.
    return { path: filePath, error: (error as Error).message };
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
