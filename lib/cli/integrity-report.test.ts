import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import { buildStatement, createSigner, signStatement } from "../integrity/signing.ts";
import { checkVersionIntegrity, type DownloadedFile, type VersionRecord } from "./integrity-report.ts";

const pem = (kind: "ed25519" | "ec") =>
  (kind === "ec" ? generateKeyPairSync("ec", { namedCurve: "prime256v1" }) : generateKeyPairSync("ed25519")).privateKey
    .export({ type: "pkcs8", format: "pem" })
    .toString();

const contents = { "model.onnx": "onnx bytes", "MODEL_CARD.md": "# card", "test_vectors.json": "{}" };

/** A version signed the way the server signs it (lib/registry/upload-version.ts). */
function signedVersion(kind: "ed25519" | "ec" = "ed25519") {
  const signer = createSigner(pem(kind));
  const files = Object.entries(contents).map(([path, text]) => ({ path, sha256: sha256Hex(text), size: Buffer.byteLength(text), mediaType: "x/y", role: "other" as const }));
  const manifest = JSON.parse(
    canonicalJson({
      name: "credit-risk",
      version: "1.4.0",
      artifact: { path: "model.onnx", format: "onnx" },
      files: Object.fromEntries(files.map((f) => [f.path, { sha256: f.sha256, size: f.size, mediaType: f.mediaType }])),
    }),
  ) as Record<string, unknown>;
  const manifestDigest = sha256Hex(canonicalJson(manifest));
  const signature = signStatement(
    signer,
    buildStatement({ model: "credit-risk", version: "1.4.0", manifestDigest, resources: files.map((f) => ({ name: f.path, digest: f.sha256 })) }),
  );
  const record: VersionRecord = { model: "credit-risk", version: "1.4.0", manifestDigest, files, manifest, signature };
  const downloads: DownloadedFile[] = files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size }));
  return { record, downloads, publicKeyPem: signer.publicKeyPem };
}

const problemsOf = (report: ReturnType<typeof checkVersionIntegrity>) => [
  ...report.files.flatMap((f) => f.problems.map((p) => `${f.path}: ${p}`)),
  ...report.manifestDigest.problems,
  ...report.signature.problems,
];

describe("checkVersionIntegrity", () => {
  it.each(["ed25519", "ec"] as const)("accepts an intact version signed with %s", (kind) => {
    const report = checkVersionIntegrity(signedVersion(kind));
    expect(problemsOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.files.map((f) => f.path)).toEqual(["MODEL_CARD.md", "model.onnx", "test_vectors.json"]);
  });

  it("flags downloaded bytes whose digest differs from the listing, the manifest and the signature", () => {
    const input = signedVersion();
    const wrong = sha256Hex("tampered");
    input.downloads[0] = { ...input.downloads[0]!, sha256: wrong };
    const report = checkVersionIntegrity(input);
    expect(report.ok).toBe(false);
    const file = report.files.find((f) => f.path === "model.onnx")!;
    expect(file.ok).toBe(false);
    expect(file.problems).toEqual([
      `sha256: the version says ${sha256Hex("onnx bytes")}, the downloaded bytes have ${wrong}`,
      `sha256: the manifest says ${sha256Hex("onnx bytes")}, the downloaded bytes have ${wrong}`,
      `sha256: the signature says ${sha256Hex("onnx bytes")}, the downloaded bytes have ${wrong}`,
    ]);
    expect(report.files.filter((f) => f.ok)).toHaveLength(2);
    expect(report.manifestDigest.ok).toBe(true);
  });

  it("flags a size difference and a failed download", () => {
    const input = signedVersion();
    input.downloads[1] = { ...input.downloads[1]!, size: 999 };
    input.downloads[2] = { path: input.downloads[2]!.path, error: "terminated" };
    const report = checkVersionIntegrity(input);
    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toEqual(
      expect.arrayContaining([
        "MODEL_CARD.md: size: the version says 6, the downloaded bytes have 999",
        "test_vectors.json: download failed: terminated",
      ]),
    );
  });

  it("flags a manifest that no longer hashes to the version's digest", () => {
    const input = signedVersion();
    input.record = { ...input.record, manifest: { ...input.record.manifest, metrics: { auc: 0.99 } } };
    const report = checkVersionIntegrity(input);
    expect(report.ok).toBe(false);
    expect(report.manifestDigest.problems[0]).toMatch(/^sha256 of the canonical manifest is [0-9a-f]{64}, the version claims [0-9a-f]{64}$/);
  });

  it("flags a manifest digest the signature does not cover, even if the manifest matches it", () => {
    const input = signedVersion();
    const manifest = { ...input.record.manifest, metrics: { auc: 0.99 } };
    input.record = { ...input.record, manifest, manifestDigest: sha256Hex(canonicalJson(manifest)) };
    const report = checkVersionIntegrity(input);
    expect(report.manifestDigest.ok).toBe(true);
    expect(report.signature.problems).toEqual([expect.stringMatching(/^the signed manifest digest [0-9a-f]{64} is not the version's/)]);
    expect(report.ok).toBe(false);
  });

  it("flags a signature made with another key, a tampered payload and a missing signature", () => {
    const input = signedVersion();
    expect(checkVersionIntegrity({ ...input, publicKeyPem: signedVersion().publicKeyPem }).signature.problems).toEqual([
      "the DSSE signature does not verify with the public key",
    ]);

    const envelope = input.record.signature as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString()) as { predicate: { version: string } };
    statement.predicate.version = "9.9.9";
    const forged = { ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString("base64") };
    const report = checkVersionIntegrity({ ...input, record: { ...input.record, signature: forged } });
    expect(report.signature.problems).toEqual([
      "the DSSE signature does not verify with the public key",
      "the signed version is '9.9.9', not '1.4.0'",
    ]);

    expect(checkVersionIntegrity({ ...input, record: { ...input.record, signature: null } }).signature.problems).toEqual(["the version has no signature"]);
  });

  it("flags a file that the listing has but the manifest and signature do not", () => {
    const input = signedVersion();
    input.record = { ...input.record, files: [...input.record.files, { path: "extra.bin", sha256: sha256Hex("x"), size: 1, mediaType: "x/y", role: "other" }] };
    input.downloads.push({ path: "extra.bin", sha256: sha256Hex("x"), size: 1 });
    const report = checkVersionIntegrity(input);
    expect(report.files.find((f) => f.path === "extra.bin")!.problems).toEqual(["not in the manifest", "not covered by the signature"]);
    expect(report.ok).toBe(false);
  });
});
