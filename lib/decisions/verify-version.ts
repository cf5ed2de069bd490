// Before a decision is replayed, the version must be proven to be what was registered: the stored
// manifest hashes to the version's digest, each file's recorded digest is the manifest's, the
// signature verifies (when the version is signed), and the artifact's bytes hash to their digest.
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import { signatureStatus } from "../integrity/verify-signature.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { DecisionServices } from "./decision-services.ts";
import { readVerified } from "./serving-models.ts";

export type VersionIntegrity = { version: string; manifestDigest: string; signed: boolean; problems: string[] };

export async function verifyVersion(services: DecisionServices, versionId: string): Promise<VersionIntegrity> {
  const v = await services.prisma.modelVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { version: true, manifest: true, manifestDigest: true, signature: true, model: { select: { name: true } }, files: { select: { path: true, blobDigest: true, size: true, role: true } } },
  });
  const manifest = v.manifest as Manifest;
  const problems: string[] = [];
  if (sha256Hex(canonicalJson(manifest)) !== v.manifestDigest) problems.push("the stored manifest does not hash to the version's manifest digest");
  const files = v.files.map((f) => ({ path: f.path, sha256: f.blobDigest }));
  for (const f of files) {
    const declared = manifest.files?.[f.path]?.sha256;
    if (declared && declared !== f.sha256) problems.push(`'${f.path}' is recorded as ${f.sha256} but the manifest says ${declared}`);
  }
  const sig = signatureStatus({ model: v.model.name, version: v.version, signature: v.signature, manifestDigest: v.manifestDigest, files }, services.signer);
  if (sig.state === "invalid") problems.push(`the signature does not verify: ${sig.reason}`);
  const artifact = v.files.find((f) => f.role === "artifact");
  if (!artifact) problems.push("the version has no stored artifact");
  else {
    try {
      await readVerified(services.store, artifact.blobDigest, Number(artifact.size));
    } catch (error) {
      problems.push(`the artifact's bytes do not verify: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { version: v.version, manifestDigest: v.manifestDigest, signed: sig.state === "verified", problems };
}

