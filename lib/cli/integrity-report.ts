// The comparison behind `verify`, as a pure function so it can be tested with wrong digests without
// a tampered server. Three independent records must agree on every file: the bytes downloaded, the
// version's file listing, and the manifest whose canonical sha256 is the version's identity; and a
// DSSE signature over an in-toto statement must bind that manifest digest and those file digests.
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import { rootDigest } from "../integrity/signing.ts";
import { checkSignature, stripPrefix } from "../integrity/verify-signature.ts";
import type { VersionDetail } from "../registry/versions.ts";

export type VersionRecord = Pick<VersionDetail, "model" | "version" | "manifestDigest" | "files" | "manifest" | "signature">;

/** What hashing the downloaded bytes gave, or why the download failed. */
export type DownloadedFile = { path: string; sha256?: string; size?: number; error?: string };

export type FileCheck = { path: string; ok: boolean; size?: number; sha256?: string; problems: string[] };

export type IntegrityReport = {
  ok: boolean;
  model: string;
  version: string;
  files: FileCheck[];
  manifestDigest: { ok: boolean; expected: string; actual: string; problems: string[] };
  signature: { ok: boolean; keyIds: string[]; problems: string[] };
};

export type CheckIntegrityInput = { record: VersionRecord; downloads: DownloadedFile[]; publicKeyPem?: string };

type ManifestFiles = Record<string, { sha256?: unknown; size?: unknown }>;

export function checkVersionIntegrity({ record, downloads, publicKeyPem }: CheckIntegrityInput): IntegrityReport {
  const expectedDigest = stripPrefix(record.manifestDigest);
  const manifestProblems: string[] = [];
  let actualDigest = "";
  try {
    actualDigest = sha256Hex(canonicalJson(record.manifest));
  } catch (error) {
    manifestProblems.push(`the manifest cannot be canonicalized: ${(error as Error).message}`);
  }
  if (actualDigest && actualDigest !== expectedDigest)
    manifestProblems.push(`sha256 of the canonical manifest is ${actualDigest}, the version claims ${expectedDigest}`);
  if (record.manifest.name !== record.model) manifestProblems.push(`manifest.name is '${String(record.manifest.name)}', not '${record.model}'`);
  if (record.manifest.version !== record.version)
    manifestProblems.push(`manifest.version is '${String(record.manifest.version)}', not '${record.version}'`);

  const signature = checkSignature(record, expectedDigest, publicKeyPem);
  const signed = new Map((signature.statement?.predicate?.resources ?? []).map((r) => [String(r.name), String(r.digest)]));

  const listed = new Map(record.files.map((f) => [f.path, f]));
  const manifestFiles = (isObject(record.manifest.files) ? record.manifest.files : {}) as ManifestFiles;
  const downloaded = new Map(downloads.map((d) => [d.path, d]));
  const paths = [...new Set([...listed.keys(), ...Object.keys(manifestFiles), ...downloaded.keys(), ...(signature.statement ? signed.keys() : [])])].sort();

  const files = paths.map((path): FileCheck => {
    const problems: string[] = [];
    const got = downloaded.get(path);
    const inListing = listed.get(path);
    const inManifest = manifestFiles[path];
    if (!inListing) problems.push("not in the version's file list");
    if (!inManifest) problems.push("not in the manifest");
    if (signature.statement && !signed.has(path)) problems.push("not covered by the signature");
    if (!got) problems.push("not downloaded");
    else if (got.error) problems.push(`download failed: ${got.error}`);
    else {
      const compare = (what: string, expected: unknown, actual: unknown) => {
        if (expected !== actual) problems.push(`${what} says ${String(expected)}, the downloaded bytes have ${String(actual)}`);
      };
      if (inListing) {
        compare("sha256: the version", inListing.sha256, got.sha256);
        compare("size: the version", inListing.size, got.size);
      }
      if (inManifest) {
        compare("sha256: the manifest", inManifest.sha256, got.sha256);
        compare("size: the manifest", inManifest.size, got.size);
      }
      if (signed.has(path)) compare("sha256: the signature", signed.get(path), got.sha256);
    }
    return { path, ok: problems.length === 0, size: got?.size, sha256: got?.sha256, problems };
  });

  // The statement's subject digest is over the file digests the statement lists; recompute it from
  // the downloaded bytes so a statement with a consistent-looking but foreign subject is caught.
  if (signature.statement && files.every((f) => f.ok)) {
    const subject = signature.statement.subject?.[0];
    const root = rootDigest(downloads.map((d) => ({ name: d.path, digest: d.sha256 ?? "" })));
    if (subject?.name !== record.model) signature.problems.push(`the statement's subject is '${String(subject?.name)}', not '${record.model}'`);
    if (subject?.digest?.sha256 !== root)
      signature.problems.push(`the statement's subject digest ${String(subject?.digest?.sha256)} is not the root digest of the files (${root})`);
  }

  const manifestDigest = { ok: manifestProblems.length === 0, expected: expectedDigest, actual: actualDigest, problems: manifestProblems };
  const signatureResult = { ok: signature.problems.length === 0, keyIds: signature.keyIds, problems: signature.problems };
  return {
    ok: manifestDigest.ok && signatureResult.ok && files.every((f) => f.ok),
    model: record.model,
    version: record.version,
    files,
    manifestDigest,
    signature: signatureResult,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
