// A decision's lineage as it stood at the decision's moment (getDecision): the exact version and its
// digest, the stage it held then against today's (the difference made obvious), the prod version
// then, the promotion request and sign-offs that put it in that stage, and the check verdicts then.
import Link from "next/link";
import type { ReactNode } from "react";
import { checkKindLabel } from "@/lib/checks/format";
import { checkKinds, type Verdict } from "@/lib/checks/types";
import type { DecisionLineage } from "@/lib/decisions/views";
import { VerdictBadge } from "../checks/verdict-badge";
import { checksHref, versionHref } from "../links";
import { StageBadge } from "../promotion/stage-badge";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";
import { Digest } from "../ui/digest";
import { AlertIcon, CheckCircleIcon, MinusCircleIcon, XCircleIcon } from "../ui/icons";
import { Time } from "../ui/time";
import { SignatureBadge } from "../versions/identity";
import { stageThenNow } from "./decision-format";

const link = "rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 px-5 py-3 sm:grid-cols-[9rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-800 dark:text-slate-200">{children}</dd>
    </div>
  );
}

/** "[prod] at the time · [archived] now", with a note in words when the stage has changed since. */
export function StageThenNow({ then, now, compact = false }: { then: string | null; now: string; compact?: boolean }) {
  const s = stageThenNow(then, now);
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1.5 gap-y-1" data-stage-then={s.then} data-stage-now={s.now}>
      {then ? <StageBadge stage={then} /> : <Badge tone="neutral">not registered</Badge>}
      <span className="text-slate-600 dark:text-slate-400">at the time</span>
      <span aria-hidden="true" className="text-slate-400 dark:text-slate-500">
        ·
      </span>
      {s.changed ? (
        <>
          <StageBadge stage={now} />
          <span className="font-semibold text-amber-800 dark:text-amber-300">now</span>
          {compact ? null : (
            <span className="inline-flex items-center gap-1 rounded-md bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-600/25 ring-inset dark:bg-amber-400/10 dark:text-amber-200 dark:ring-amber-400/30">
              <AlertIcon className="size-3.5" />
              moved since the decision
            </span>
          )}
        </>
      ) : (
        <span className="text-slate-600 dark:text-slate-400">still {now} now</span>
      )}
    </span>
  );
}

export function LineageList({ lineage }: { lineage: DecisionLineage }) {
  const { version: v, asOf, decision } = lineage;
  const signature =
    v.signature.state === "verified"
      ? { state: "verified" as const, keyId: v.signature.keyId ?? "" }
      : v.signature.state === "invalid"
        ? { state: "invalid" as const, keyId: v.signature.keyId, reason: v.signature.reason ?? "does not verify", problems: [] }
        : { state: "unsigned" as const };
  const digestDiffers = decision.manifestDigest !== v.manifestDigest;
  return (
    <dl className="divide-y divide-slate-100 dark:divide-slate-800">
      <Row label="Version">
        <Link href={versionHref(v.model, v.version)} className={cn(link, "font-mono")}>
          {v.model}@{v.version}
        </Link>
        <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">
          (<Link href={checksHref(v.model, v.version)} className={link}>
            checks
          </Link>
          )
        </span>
        <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
          Uploaded <Time iso={v.createdAt} /> by {v.uploadedBy ?? "the bootstrap token"}
        </p>
      </Row>
      <Row label="Manifest digest">
        <Digest value={v.manifestDigest} prefix="sha256:" full />
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {digestDiffers ? (
            <span className="font-medium text-red-700 dark:text-red-300">The decision recorded another digest: sha256:{decision.manifestDigest}</span>
          ) : (
            "The decision recorded this digest: the exact bytes that made it."
          )}
        </p>
      </Row>
      <Row label="Stage">
        <StageThenNow then={asOf.stage} now={v.stageNow} />
        {asOf.stageSince ? (
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            {asOf.stage} since <Time iso={asOf.stageSince} mode="absolute" />
          </p>
        ) : null}
      </Row>
      <Row label="Prod at the time">
        {asOf.prodVersion === null ? (
          <span className="text-slate-600 dark:text-slate-400">nothing was in prod</span>
        ) : asOf.prodVersion === v.version ? (
          <span>
            <span className="font-mono">{asOf.prodVersion}</span> <span className="text-slate-600 dark:text-slate-400">(this version)</span>
          </span>
        ) : (
          <span>
            <Link href={versionHref(v.model, asOf.prodVersion)} className={cn(link, "font-mono")}>
              {asOf.prodVersion}
            </Link>{" "}
            <span className="text-slate-600 dark:text-slate-400">(another version: this decision was not made by prod)</span>
          </span>
        )}
      </Row>
      <Row label="Signature">
        <div className="flex flex-wrap items-center gap-2">
          <SignatureBadge status={signature} />
          {v.signature.state === "invalid" ? <span className="text-xs text-red-700 dark:text-red-300">{v.signature.reason}</span> : null}
          {v.signature.state === "verified" && v.signature.keyId ? <Digest value={v.signature.keyId} chars={12} /> : null}
        </div>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Checked now, on this page load.</p>
      </Row>
      <Row label="Artifact">
        <span className="font-mono text-xs">{v.artifact.path}</span> <span className="text-xs text-slate-600 dark:text-slate-400">({v.artifact.format})</span>
        {v.artifact.sha256 ? (
          <div className="mt-1">
            <Digest value={v.artifact.sha256} prefix="sha256:" chars={16} />
          </div>
        ) : null}
      </Row>
    </dl>
  );
}

type Promotion = NonNullable<DecisionLineage["asOf"]["promotion"]>;

export function PromotionAsOf({ promotion, stage, manifestDigest }: { promotion: Promotion | null; stage: string | null; manifestDigest: string }) {
  if (!promotion)
    return (
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {stage === null
          ? "The version was not registered yet at the time of the decision."
          : stage === "dev"
            ? "The version was in dev: no promotion had put it anywhere yet, so there were no approvals."
            : stage === "archived"
              ? "The version was archived at the time: it had left prod before this decision."
              : `No promotion request is recorded for its move to ${stage} (moved before requests were recorded, or by a rollback without one).`}
      </p>
    );
  return (
    <div className="space-y-4">
      <div className="text-sm">
        <p>
          <Link href={`/reviews/${promotion.id}`} className={link}>
            Promotion request to {promotion.to}
          </Link>{" "}
          <span className="text-slate-600 dark:text-slate-400">
            by {promotion.requestedBy ?? "the bootstrap token"}, promoted <Time iso={promotion.promotedAt} mode="absolute" />
          </span>
        </p>
        <blockquote className="mt-1.5 border-l-2 border-slate-200 pl-3 whitespace-pre-line text-slate-700 dark:border-slate-700 dark:text-slate-300">{promotion.reason}</blockquote>
      </div>
      {promotion.approvals.length ? (
        <ol aria-label="Sign-offs at the time" className="space-y-3">
          {promotion.approvals.map((a, i) => (
            <li key={`${a.user.id}-${i}`} className="text-sm" data-decision={a.decision}>
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                {a.decision === "approve" ? (
                  <span className="inline-flex items-center gap-1 font-semibold text-emerald-700 dark:text-emerald-300">
                    <CheckCircleIcon className="size-4" />
                    Approved
                  </span>
                ) : (
                  <span className="inline-flex items-center gap-1 font-semibold text-red-700 dark:text-red-300">
                    <XCircleIcon className="size-4" />
                    Rejected
                  </span>
                )}
                <span className="font-medium break-all text-slate-900 dark:text-slate-100">{a.user.name || a.user.email}</span>
                <span className="text-slate-600 dark:text-slate-400">
                  <Time iso={a.at} mode="absolute" />
                </span>
              </div>
              {a.user.name && a.user.name !== a.user.email ? <p className="text-xs break-all text-slate-600 dark:text-slate-400">{a.user.email}</p> : null}
              {a.comment ? (
                <blockquote className="mt-1 border-l-2 border-slate-200 pl-3 whitespace-pre-line text-slate-700 dark:border-slate-700 dark:text-slate-300">{a.comment}</blockquote>
              ) : null}
              <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
                Signed <Digest value={a.manifestDigest} prefix="sha256:" chars={12} />
                {a.manifestDigest === manifestDigest ? (
                  <span className="font-medium text-emerald-700 dark:text-emerald-300">the digest that made the decision</span>
                ) : (
                  <span className="font-medium text-red-700 dark:text-red-300">another digest than the one that made the decision</span>
                )}
              </p>
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-slate-700 dark:text-slate-300">No reviewer had signed off by then: the policy let it through without approvals.</p>
      )}
    </div>
  );
}

export function ChecksAsOf({ checks, model, version }: { checks: DecisionLineage["asOf"]["checks"]; model: string; version: string }) {
  const byKind = new Map(checks.map((c) => [c.kind, c]));
  const extra = checks.filter((c) => !(checkKinds as readonly string[]).includes(c.kind));
  const kinds = [...checkKinds, ...extra.map((c) => c.kind)];
  return (
    <ul aria-label="Check verdicts at the time of the decision" className="divide-y divide-slate-100 dark:divide-slate-800">
      {kinds.map((kind) => {
        const run = byKind.get(kind);
        const label = checkKindLabel[kind as keyof typeof checkKindLabel] ?? kind;
        return (
          <li key={kind} className="px-5 py-3" data-check-kind={kind}>
            <div className="flex flex-wrap items-center justify-between gap-2">
              <Link href={`${checksHref(model, version)}#check-${kind}`} className={cn(link, "text-sm")}>
                {label}
              </Link>
              {run ? (
                <VerdictBadge status="finished" verdict={run.verdict as Verdict | null} />
              ) : (
                <Badge tone="neutral">
                  <MinusCircleIcon className="size-3.5" />
                  Not finished then
                </Badge>
              )}
            </div>
            {run ? (
              <>
                <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{run.summary ?? "No summary."}</p>
                <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
                  Finished <Time iso={run.finishedAt} mode="absolute" /> · checker {run.checkerVersion}
                </p>
              </>
            ) : (
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">No run of this check had finished when the decision was made.</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
