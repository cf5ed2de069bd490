import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { VerdictBadge } from "@/components/checks/verdict-badge";
import { checksHref, modelHref, versionHref } from "@/components/links";
import { ApprovalList } from "@/components/promotion/approval-list";
import { CancelRequestForm } from "@/components/promotion/cancel-request-form";
import { DecisionForm } from "@/components/promotion/decision-form";
import { GateChecklist } from "@/components/promotion/gate-checklist";
import { RequestStatusBadge, StageMove } from "@/components/promotion/stage-badge";
import { VerdictBanner } from "@/components/promotion/verdict-banner";
import { VersionDiff } from "@/components/promotion/version-diff";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Digest } from "@/components/ui/digest";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { FrontMatterTable, ModelCardBody } from "@/components/versions/model-card";
import { requirePageActor } from "@/app/_lib/next-auth";
import { checkKindLabel } from "@/lib/checks/format";
import { fmtDuration } from "@/lib/format/numbers";
import { decisionRights } from "@/lib/promotion/decision-rights";
import { describeRequest } from "@/lib/promotion/describe-request";
import { getReview, type ReviewedVersion } from "@/lib/promotion/get-review";
import { splitFrontMatter } from "@/lib/registry/card/front-matter";
import { getServices } from "@/lib/server/services";
import { orNotFound, routeSegment } from "../../../_lib/page-helpers";
import { cancelPromotionAction, decidePromotionAction } from "../actions";

type Params = Promise<{ id: string }>;

const idSchema = z.string().uuid();

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const id = idSchema.safeParse(routeSegment((await params).id));
  if (!id.success) return { title: "Review" };
  const { prisma } = await getServices();
  const row = await prisma.promotionRequest.findUnique({ where: { id: id.data }, select: { toStage: true, model: { select: { name: true } }, version: { select: { version: true } } } });
  return { title: row ? `Review ${row.model.name}@${row.version.version} → ${row.toStage}` : "Review" };
}

function CardText({ reviewed, label }: { reviewed: ReviewedVersion; label: string }) {
  const { detail, card } = reviewed;
  if (card === undefined) return <p className="text-sm text-slate-600 dark:text-slate-400">{label} declares no model card.</p>;
  if (card === null)
    return (
      <Alert tone="danger" title="The model card could not be read">
        Its bytes are missing or do not match their digest in storage.
      </Alert>
    );
  const split = splitFrontMatter(card.text);
  return (
    <div className="space-y-4">
      {split.frontMatter?.length ? (
        <div className="overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
          <FrontMatterTable entries={split.frontMatter} />
        </div>
      ) : null}
      {card.truncated ? <p className="text-sm text-amber-800 dark:text-amber-300">Only the first part of a very large card is shown.</p> : null}
      {split.body.trim() ? (
        <ModelCardBody markdown={split.body} model={detail.model} version={detail.version} files={detail.files.map((f) => f.path)} />
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">The card has no text besides its metadata.</p>
      )}
    </div>
  );
}

export default async function ReviewPage({ params }: { params: Params }) {
  const raw = routeSegment((await params).id);
  const actor = await requirePageActor(`/reviews/${encodeURIComponent(raw)}`);
  const id = idSchema.safeParse(raw);
  if (!id.success) notFound();
  const services = await getServices();
  const { request, candidate, current, against, comparison } = await orNotFound(getReview(services, { id: id.data }));
  const verdict = describeRequest(request);
  const rights = decisionRights({ actor, request, uploaderEmail: candidate.detail.createdBy });
  const missing = request.gates.filter((g) => g.status === "fail" || g.status === "pending");
  const open = ["pending_checks", "awaiting_approval", "approved"].includes(request.status);
  const title = `${request.model}@${request.version}`;

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Reviews", href: "/reviews" }, { label: `${title} → ${request.to}` }]}
        title={
          <span>
            <span className="font-mono">{title}</span> <span className="text-slate-500 dark:text-slate-400">→</span> {request.to}
          </span>
        }
        description={
          <>
            <span className="font-medium">Why:</span> {request.reason}
          </>
        }
        meta={
          <>
            <RequestStatusBadge status={request.status} />
            <StageMove from={request.from} to={request.to} />
            <span>
              Requested <Time iso={request.createdAt} /> by{" "}
              <span className="font-medium text-slate-700 dark:text-slate-300">{request.requestedBy ? request.requestedBy.name || request.requestedBy.email : "the bootstrap token"}</span>
            </span>
            <span className="inline-flex items-center gap-1">
              Manifest <Digest value={request.manifestDigest} prefix="sha256:" chars={16} />
            </span>
          </>
        }
      />

      <VerdictBanner tone={verdict.tone} headline={verdict.headline}>
        {request.status === "pending_checks" && request.blockedReason ? <p>{request.blockedReason}</p> : null}
        {open && missing.length && request.status !== "pending_checks" ? (
          <p>
            Still needed: {missing.map((g) => g.detail).join(" ")}
          </p>
        ) : null}
        {rights.approve ? (
          <p>
            <a href="#decision" className="rounded font-semibold underline underline-offset-2">
              Go to your decision
            </a>{" "}
            after reading the gates, the diff against {request.to} and the model card.
          </p>
        ) : null}
      </VerdictBanner>
      {request.policyInvalid ? (
        <Alert tone="warning" className="mt-4" title="The model's stored policy does not parse; the default thresholds and approvals apply">
          {request.policyInvalid}
        </Alert>
      ) : null}

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-6">
          <Card aria-labelledby="gates-heading">
            <CardHeader
              id="gates-heading"
              title="Gates"
              description={open ? "Evaluated now, against today's checks, policy and prod." : "As they stood when the request closed."}
            />
            <CardBody>
              <GateChecklist gates={request.gates} />
            </CardBody>
          </Card>

          <Card aria-labelledby="diff-heading">
            <CardHeader
              id="diff-heading"
              title={current ? `Compared with ${against === "replaced" ? `the ${request.to} it replaced` : request.to}: ${current.detail.version}` : `Compared with ${request.to}`}
              description={
                current ? (
                  <>
                    What {against === "replaced" ? "changed" : "changes"} for callers of the <span className="font-mono">{request.to}</span> alias when this version{" "}
                    {against === "replaced" ? "replaced" : "replaces"}{" "}
                    <Link href={versionHref(request.model, current.detail.version)} className="rounded font-mono text-indigo-700 hover:underline dark:text-indigo-300">
                      {current.detail.version}
                    </Link>
                    .
                  </>
                ) : undefined
              }
            />
            {comparison ? (
              <VersionDiff comparison={comparison} stage={`${request.to} ${comparison.prod}`} />
            ) : (
              <CardBody>
                <p className="text-sm text-slate-600 dark:text-slate-400">
                  {request.status === "promoted"
                    ? `Nothing was in ${request.to} before this version, so there was nothing to compare against.`
                    : !["pending_checks", "awaiting_approval", "approved"].includes(request.status)
                      ? `The request is ${request.status}; what ${request.to} serves now is on the model page.`
                      : `Nothing is in ${request.to} yet: this would be the first ${request.to} version of ${request.model}, so there is nothing to compare against.`}
                </p>
              </CardBody>
            )}
          </Card>

          <Card aria-labelledby="card-heading">
            <CardHeader id="card-heading" title="Model card" description={`${request.version}'s card, as uploaded (untrusted text, sanitized).`} />
            <CardBody className="space-y-5">
              <CardText reviewed={candidate} label={request.version} />
              {current ? (
                <details className="rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
                  <summary className="cursor-pointer rounded-lg px-4 py-2.5 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:text-slate-200 dark:hover:bg-slate-800">
                    {against === "replaced" ? `The card of the ${request.to} it replaced` : `${request.to}'s card`} ({current.detail.version}), for comparison
                  </summary>
                  <div className="border-t border-slate-200 px-4 py-4 dark:border-slate-700">
                    <CardText reviewed={current} label={current.detail.version} />
                  </div>
                </details>
              ) : null}
            </CardBody>
          </Card>

          <Card aria-labelledby="checks-heading">
            <CardHeader
              id="checks-heading"
              title="Checks"
              description="The latest run of each check on this manifest digest."
              actions={
                <Link href={checksHref(request.model, request.version)} className="rounded text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  All check details →
                </Link>
              }
            />
            {candidate.checks.latest.length ? (
              <ul aria-label={`Latest checks of ${title}`} className="divide-y divide-slate-100 dark:divide-slate-800">
                {candidate.checks.latest.map((run) => (
                  <li key={run.id} className="px-5 py-3" data-check-kind={run.kind}>
                    <div className="flex flex-wrap items-center justify-between gap-2">
                      <span className="text-sm font-medium text-slate-900 dark:text-slate-100">{checkKindLabel[run.kind]}</span>
                      <span className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                        {fmtDuration(run.durationMs)}
                        <VerdictBadge status={run.status} verdict={run.verdict} />
                      </span>
                    </div>
                    <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{run.summary ?? "No summary."}</p>
                  </li>
                ))}
              </ul>
            ) : (
              <CardBody>
                <p className="text-sm text-slate-600 dark:text-slate-400">No checks have run on this version.</p>
              </CardBody>
            )}
          </Card>
        </div>

        <div className="space-y-6 self-start lg:sticky lg:top-20">
          <Card aria-labelledby="approvals-heading">
            <CardHeader
              id="approvals-heading"
              title="Approvals"
              description={`${request.approvalsCounted} of ${request.requiredApprovals} counted, from reviewers who did not upload ${request.version}.`}
            />
            <CardBody>
              <ApprovalList approvals={request.approvals} manifestDigest={request.manifestDigest} required={request.requiredApprovals} />
            </CardBody>
          </Card>

          <Card aria-labelledby="decision-heading">
            <div id="decision" className="scroll-mt-20" />
            <CardHeader id="decision-heading" title="Your decision" description={`Signed in as ${actor.email}.`} />
            <CardBody className="space-y-4">
              {rights.reject ? (
                <DecisionForm
                  requestId={request.id}
                  manifestDigest={request.manifestDigest}
                  allowApprove={rights.approve}
                  approveBlockedReason={rights.reason}
                  decide={decidePromotionAction}
                />
              ) : (
                <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="decision-refusal">
                  {rights.reason}
                </p>
              )}
              {rights.cancel ? (
                <div className="border-t border-slate-200 pt-4 dark:border-slate-700">
                  <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">You made this request{actor.role === "admin" ? " or administer the registry" : ""}, so you may withdraw it.</p>
                  <CancelRequestForm requestId={request.id} cancel={cancelPromotionAction} />
                </div>
              ) : null}
              <p className="text-xs text-slate-600 dark:text-slate-400">
                <Link href={modelHref(request.model)} className="rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {request.model}
                </Link>
                : stages, timeline and rollback.
              </p>
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
