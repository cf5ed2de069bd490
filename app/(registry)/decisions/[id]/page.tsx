import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { outputLabel, formatScore } from "@/components/decisions/decision-format";
import { DecisionInput, DecisionOutputs } from "@/components/decisions/decision-summary";
import { ChecksAsOf, LineageList, PromotionAsOf, StageThenNow } from "@/components/decisions/lineage";
import { ReplayHistory } from "@/components/decisions/replay-history";
import { ReplayPanel } from "@/components/decisions/replay-panel";
import { SourceBadge } from "@/components/decisions/source-badge";
import { checksHref, decisionsHref, versionHref } from "@/components/links";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Digest } from "@/components/ui/digest";
import { RoleForbidden } from "@/components/ui/forbidden";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { FrontMatterTable, ModelCardBody } from "@/components/versions/model-card";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { userEmailsById } from "@/lib/auth/user-emails";
import { getDecision } from "@/lib/decisions/get-decision";
import type { DecisionLineage } from "@/lib/decisions/views";
import { fmtMs } from "@/lib/format/numbers";
import { splitFrontMatter } from "@/lib/registry/card/front-matter";
import { getServices } from "@/lib/server/services";
import { orNotFound, routeSegment } from "../../../_lib/page-helpers";
import { replayDecisionAction } from "../actions";

type Params = Promise<{ id: string }>;

const idSchema = z.uuid();
const link = "rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300";

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const id = idSchema.safeParse(routeSegment((await params).id));
  return { title: id.success ? `Decision ${id.data.slice(0, 13)}…` : "Decision" };
}

function actorLabel(actor: DecisionLineage["decision"]["actor"]): string {
  if (actor.email) return actor.email;
  if (actor.type === "bootstrap") return "the bootstrap token";
  return actor.id;
}

function ModelCard({ lineage }: { lineage: DecisionLineage }) {
  const { version: v } = lineage;
  const cardFile = v.files.find((f) => f.role === "card");
  if (!cardFile) return <p className="text-sm text-slate-600 dark:text-slate-400">{v.version} declares no model card.</p>;
  if (!v.card)
    return (
      <Alert tone="danger" title="The model card could not be read">
        Its bytes are missing or do not match their digest in storage.
      </Alert>
    );
  const split = splitFrontMatter(v.card.text);
  return (
    <div className="space-y-4">
      {split.frontMatter?.length ? (
        <div className="overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
          <FrontMatterTable entries={split.frontMatter} />
        </div>
      ) : null}
      {v.card.truncated ? <p className="text-sm text-amber-800 dark:text-amber-300">Only the first part of a very large card is shown.</p> : null}
      {split.body.trim() ? (
        <ModelCardBody markdown={split.body} model={v.model} version={v.version} files={v.files.map((f) => f.path)} />
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">The card has no text besides its metadata.</p>
      )}
    </div>
  );
}

export default async function DecisionPage({ params }: { params: Params }) {
  const raw = routeSegment((await params).id);
  const actor = await requirePageActor(`/decisions/${encodeURIComponent(raw)}`);
  if (!can(actor, "decisions.read"))
    return (
      <RoleForbidden title="Decisions are for auditors and admins" actor={actor}>
        Ask an admin for the auditor role if you need to trace decisions.
      </RoleForbidden>
    );
  const id = idSchema.safeParse(raw.toLowerCase());
  if (!id.success) notFound();
  const services = await getServices();
  const lineage = await orNotFound(getDecision(services, { id: id.data }));
  const { decision: d, version: v, asOf } = lineage;
  const emails = await userEmailsById(
    services.prisma,
    lineage.replays.filter((r) => r.actor.type === "user").map((r) => r.actor.id),
  );
  const mayReplay = can(actor, "decisions.replay");
  const versionLabel = `${v.model}@${v.version}`;

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Decisions", href: "/decisions" }, { label: `${d.id.slice(0, 13)}…` }]}
        title={
          <span>
            Decision by <span className="font-mono">{versionLabel}</span>
          </span>
        }
        verdict={
          <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-lg text-slate-900 dark:text-slate-100" data-testid="decision-verdict">
            <span>
              Decided <strong className="font-mono font-semibold">{outputLabel(d.output)}</strong>
            </span>
            {d.score !== null ? (
              <span>
                <span aria-hidden="true" className="mr-3 text-slate-400 dark:text-slate-500">
                  ·
                </span>
                score <strong className="font-mono font-semibold">{formatScore(d.score)}</strong>
              </span>
            ) : null}
            <span className="text-sm text-slate-600 dark:text-slate-400">
              on <Time iso={d.at} mode="absolute" />
            </span>
          </p>
        }
        meta={
          <>
            <SourceBadge source={d.source} />
            <StageThenNow then={asOf.stage} now={v.stageNow} compact />
            <span>
              by <span className="font-medium text-slate-700 dark:text-slate-300">{actorLabel(d.actor)}</span>
            </span>
            {d.requestId ? (
              <span>
                request{" "}
                <Link href={decisionsHref({ requestId: d.requestId })} className={`${link} font-mono break-all`}>
                  {d.requestId}
                </Link>
              </span>
            ) : null}
            {d.latencyMs !== null ? <span>latency {fmtMs(d.latencyMs)}</span> : null}
            <span className="inline-flex items-center gap-1">
              id <Digest value={d.id} chars={13} />
            </span>
          </>
        }
      />

      {/* Verdict first: what was decided and the lineage behind it, then the replay, then the detail
          (the sign-offs and checks as they stood, the card). */}
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <Card aria-labelledby="decided-heading" className="min-w-0">
            <CardHeader id="decided-heading" title="What was decided" description="The outputs and the input as the ledger stored them." />
            <CardBody className="space-y-5">
              <DecisionOutputs decision={d} />
              <DecisionInput decision={d} />
              {d.metadata && Object.keys(d.metadata).length ? (
                <details className="text-sm">
                  <summary className="cursor-pointer rounded font-medium text-slate-700 dark:text-slate-300">Caller metadata ({Object.keys(d.metadata).length} {Object.keys(d.metadata).length === 1 ? "key" : "keys"})</summary>
                  <pre className="mt-2 overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200">{JSON.stringify(d.metadata, null, 2)}</pre>
                </details>
              ) : null}
            </CardBody>
          </Card>
          <Card aria-labelledby="lineage-heading" className="min-w-0">
            <CardHeader
              id="lineage-heading"
              title="Lineage at the time of the decision"
              description={
                <>
                  As it stood on <Time iso={asOf.at} mode="absolute" />, from the append-only stage history; today&apos;s stage for contrast.
                </>
              }
            />
            <LineageList lineage={lineage} />
          </Card>
        </div>

        <Card aria-labelledby="replay-heading">
          <CardHeader id="replay-heading" title="Replay" description={`Run the decision again on the exact bytes of ${versionLabel} and compare.`} />
          <CardBody>
            {mayReplay ? (
              <ReplayPanel decisionId={d.id} versionLabel={versionLabel} inputRetention={d.inputRetention} retainedInput={d.input} replay={replayDecisionAction} />
            ) : (
              <p className="text-sm text-slate-700 dark:text-slate-300">Replaying decisions is for auditors and admins, with their browser session or a token with the read scope.</p>
            )}
          </CardBody>
          <div className="border-t border-slate-200 dark:border-slate-700">
            <h3 className="px-5 pt-4 pb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">Previous replays</h3>
            <ReplayHistory replays={lineage.replays} emails={emails} />
          </div>
        </Card>

        <div className="grid gap-6 lg:grid-cols-2">
          <Card aria-labelledby="promotion-heading" className="min-w-0">
            <CardHeader
              id="promotion-heading"
              title={asOf.promotion ? `How it reached ${asOf.promotion.to}` : "Promotion"}
              description="The request that put the version in its stage at the time, and the sign-offs made before the decision."
            />
            <CardBody>
              <PromotionAsOf promotion={asOf.promotion} stage={asOf.stage} manifestDigest={d.manifestDigest} />
            </CardBody>
          </Card>
          <Card aria-labelledby="checks-heading" className="min-w-0">
            <CardHeader
              id="checks-heading"
              title="Checks at the time"
              description="The latest finished run of each check before the decision."
              actions={
                <Link href={checksHref(v.model, v.version)} className={`${link} text-sm`}>
                  All runs →
                </Link>
              }
            />
            <ChecksAsOf checks={asOf.checks} model={v.model} version={v.version} />
          </Card>
        </div>

        <Card aria-labelledby="card-heading">
          <CardHeader
            id="card-heading"
            title="Model card"
            description={
              <>
                {v.version}&apos;s card, as uploaded (untrusted text, sanitized). The{" "}
                <Link href={versionHref(v.model, v.version)} className={link}>
                  version page
                </Link>{" "}
                has its files and manifest.
              </>
            }
          />
          <CardBody>
            <ModelCard lineage={lineage} />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
