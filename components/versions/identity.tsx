import type { ReactNode } from "react";
import { Badge } from "../ui/badge";
import { Digest } from "../ui/digest";
import { AlertIcon, CheckIcon } from "../ui/icons";
import type { SignatureStatus } from "@/lib/integrity/verify-signature";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 px-5 py-3 sm:grid-cols-[11rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-800 dark:text-slate-200">{children}</dd>
    </div>
  );
}

export function SignatureBadge({ status }: { status: SignatureStatus }) {
  if (status.state === "verified")
    return (
      <Badge tone="green" title="DSSE signature verified with this registry's public key">
        <CheckIcon className="size-3.5" />
        Signed · verified
      </Badge>
    );
  if (status.state === "unsigned") return <Badge tone="amber">Unsigned</Badge>;
  return (
    <Badge tone="red" title={status.reason}>
      <AlertIcon className="size-3.5" />
      Signature invalid
    </Badge>
  );
}

export function IdentityList({ manifestDigest, signature }: { manifestDigest: string; signature: SignatureStatus }) {
  return (
    <dl className="divide-y divide-slate-100 dark:divide-slate-800">
      <Row label="Manifest digest">
        <Digest value={manifestDigest} prefix="sha256:" full />
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">The version&apos;s identity: sha256 of the canonical manifest, which lists every file&apos;s digest.</p>
      </Row>
      <Row label="Signature">
        <div className="flex flex-wrap items-center gap-2">
          <SignatureBadge status={signature} />
          {signature.state === "verified" ? (
            <span className="text-xs text-slate-500 dark:text-slate-400">in-toto statement in a DSSE envelope, checked on this page load</span>
          ) : signature.state === "invalid" ? (
            <span className="text-xs text-red-700 dark:text-red-300">{signature.reason}</span>
          ) : (
            <span className="text-xs text-slate-500 dark:text-slate-400">this version has no stored signature</span>
          )}
        </div>
      </Row>
      {signature.state !== "unsigned" && signature.keyId ? (
        <Row label="Signing key id">
          <Digest value={signature.keyId} chars={16} />
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            sha256 of the public key; fetch the key from <a className="font-mono text-indigo-700 dark:text-indigo-300 hover:underline" href="/api/v1/signing-key">/api/v1/signing-key</a>.
          </p>
        </Row>
      ) : null}
      {signature.state === "verified" && signature.rootDigest ? (
        <Row label="Signed root digest">
          <Digest value={signature.rootDigest} prefix="sha256:" chars={16} />
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">OpenSSF model-signing subject: one digest over all file digests in path order.</p>
        </Row>
      ) : null}
    </dl>
  );
}
