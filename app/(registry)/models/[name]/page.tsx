import type { Metadata } from "next";
import Link from "next/link";
import { versionHref } from "@/components/links";
import { PushInstructions } from "@/components/models/push-instructions";
import { VersionsTable } from "@/components/models/versions-table";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { CubeIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { Time } from "@/components/ui/time";
import { AliasBadge, TagList } from "@/components/versions/badges";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { OwnersEditor } from "@/components/models/owners-editor";
import { PromotionsTable } from "@/components/promotion/promotions-table";
import { RequestPromotionForm } from "@/components/promotion/request-promotion-form";
import { RollbackForm } from "@/components/promotion/rollback-form";
import { StageTimeline } from "@/components/promotion/stage-timeline";
import { VersionsComparison } from "@/components/promotion/versions-comparison";
import { DecisionsChart } from "@/components/decisions/decisions-chart";
import { decisionsHref } from "@/components/links";
import { countDecisionsByDay } from "@/lib/decisions/count-decisions";
import { Digest } from "@/components/ui/digest";
import { requestPromotionAction, rollbackAction, setOwnersAction } from "./actions";
import { getModel, modelOwnerIds } from "@/lib/registry/models";
import { describeRequest } from "@/lib/promotion/describe-request";
import { getModelStages } from "@/lib/promotion/get-model-stages";
import { listPromotions } from "@/lib/promotion/list-promotions";
import { listStageHistory } from "@/lib/promotion/list-stage-history";
import { nextStage, type Stage } from "@/lib/promotion/state-machine";
import { listVersions } from "@/lib/registry/versions";
import { getServices } from "@/lib/server/services";
import { listSearchParams, orFirstPage, orNotFound, registryUrl, routeSegment, type SearchParams } from "../../../_lib/page-helpers";

type Params = Promise<{ name: string }>;

const PAGE_SIZE = 25;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: routeSegment((await params).name) };
}

export default async function ModelPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const name = routeSegment((await params).name);
  const path = `/models/${encodeURIComponent(name)}`;
  const actor = await requirePageActor(path);
  const { cursor } = listSearchParams.parse(await searchParams);
  const services = await getServices();
  const model = await orNotFound(getModel(services.prisma, name));
  const versions = await orFirstPage(listVersions(services.prisma, { model: name, cursor, limit: PAGE_SIZE }), path);
  const [stages, history, open, ownerIds] = await Promise.all([
    getModelStages(services.prisma, { model: name }),
    listStageHistory(services.prisma, { model: name, limit: 20 }),
    listPromotions(services.prisma, { model: name, status: "open", limit: 25 }),
    modelOwnerIds(services.prisma, name),
  ]);
  // Auditors and admins see how much each version decided lately (one GROUP BY on an index range).
  const decisionCounts = can(actor, "decisions.read") ? await countDecisionsByDay(services.prisma, { model: name, days: 30 }) : undefined;
  const openRows = open.items.map((r) => ({ ...r, ...describeRequest(r) }));
  const mayRollback = stages.prod !== null && can(actor, "promotion.rollback", { owners: ownerIds });
  // What an owner can move next: the newest dev version and the staging one, unless already requested.
  const candidates = can(actor, "promotion.request", { owners: ownerIds })
    ? stages.columns
        .filter((c) => c.stage === "dev" || c.stage === "staging")
        .filter((c, i, all) => all.findIndex((o) => o.stage === c.stage) === i)
        .flatMap((c) => {
          const to = nextStage(c.stage as Stage);
          return to && !c.openRequests.some((r) => r.to === to) ? [{ version: c.version, to }] : [];
        })
    : [];

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Models", href: "/" }, { label: model.name }]}
        title={<span className="font-mono">{model.name}</span>}
        description={model.description || <span className="text-slate-500 dark:text-slate-400">No description.</span>}
        meta={
          <>
            <span>
              {model.owners.length > 1 ? "Owners" : "Owner"}: <span className="font-medium text-slate-700 dark:text-slate-300">{model.owners.length ? model.owners.join(", ") : "— (admins only)"}</span>
            </span>
            <span>
              Created <Time iso={model.createdAt} />
            </span>
            <span>
              Updated <Time iso={model.updatedAt} />
            </span>
            <TagList tags={model.tags} max={12} />
          </>
        }
      />

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="min-w-0 space-y-6">
        {openRows.length ? (
          <Card aria-labelledby="requests-heading">
            <CardHeader
              id="requests-heading"
              title="Open promotion requests"
              description={
                <>
                  Waiting for gates or reviewers. <Link href={`/reviews?model=${encodeURIComponent(model.name)}`} className="rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300">All requests for this model</Link>
                </>
              }
            />
            <PromotionsTable rows={openRows} caption={`Open promotion requests for ${model.name}`} />
          </Card>
        ) : null}
        <Card aria-labelledby="versions-heading" className="min-w-0">
          <CardHeader id="versions-heading" title="Versions" description={`${model.versionCount} version${model.versionCount === 1 ? "" : "s"}, newest first. Each is immutable and identified by its manifest digest.`} />
          {versions.items.length === 0 && !cursor ? (
            <EmptyState icon={<CubeIcon className="size-5" />} title="No versions yet" actions={<PushInstructions registryUrl={await registryUrl(services)} model={model.name} createModel={false} />}>
              Push an envelope to create the first version of this model.
            </EmptyState>
          ) : (
            <>
              <VersionsTable versions={versions.items} />
              <CursorPagination basePath={path} nextCursor={versions.nextCursor} isFirstPage={!cursor} shown={versions.items.length} noun="versions" />
            </>
          )}
        </Card>

        {stages.columns.length > 1 ? (
          <Card aria-labelledby="compare-heading">
            <CardHeader id="compare-heading" title="Versions side by side" description={`The ${stages.columns.length} newest versions: stage, the latest verdict of each check, and reported metrics (the highest of each in bold).`} />
            <VersionsComparison model={model.name} columns={stages.columns} metricNames={stages.metricNames} />
          </Card>
        ) : null}

        {decisionCounts ? (
          <Card aria-labelledby="model-decisions-heading">
            <CardHeader
              id="model-decisions-heading"
              title="Decisions"
              description={`Decisions per day over the last ${decisionCounts.days.length} days (UTC), by the version that made them: through predict or reported by a serving system.`}
              actions={
                <Link href={decisionsHref({ model: model.name })} className="rounded text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  Search these decisions →
                </Link>
              }
            />
            <CardBody>
              {decisionCounts.total ? (
                <DecisionsChart counts={decisionCounts} />
              ) : (
                <p className="text-sm text-slate-600 dark:text-slate-400">
                  No decisions in the last {decisionCounts.days.length} days. They are recorded when the model is run through{" "}
                  <code className="font-mono text-xs break-all">POST /api/v1/models/{model.name}/predict</code> or a serving system reports them.
                </p>
              )}
            </CardBody>
          </Card>
        ) : null}

        <Card aria-labelledby="timeline-heading">
          <CardHeader id="timeline-heading" title="Stage history" description="Every upload, promotion, archive, rollback and alias move, newest first: who, when and why." />
          <CardBody>
            <StageTimeline model={model.name} events={history.items} />
            {history.nextCursor ? (
              <p className="mt-4 text-xs text-slate-600 dark:text-slate-400">
                Showing the latest {history.items.length} events; the full history is at <code className="font-mono">GET /api/v1/models/{model.name}/stages</code>.
              </p>
            ) : null}
          </CardBody>
        </Card>
        </div>

        <div className="space-y-6 self-start">
        <Card aria-labelledby="aliases-heading">
          <CardHeader id="aliases-heading" title="Aliases" description="Movable pointers that clients resolve; prod and staging move only by promotion and rollback." />
          <CardBody>
            {stages.aliases.length ? (
              <ul className="space-y-3">
                {stages.aliases.map((a) => (
                  <li key={a.name} className="text-sm" data-alias={a.name}>
                    <div className="flex items-center justify-between gap-2">
                      <AliasBadge name={a.name} />
                      <Link href={versionHref(model.name, a.version)} className="rounded font-mono text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                        {a.version}
                      </Link>
                    </div>
                    <p className="mt-1 flex flex-wrap items-center justify-between gap-x-2 text-xs text-slate-600 dark:text-slate-400">
                      <span>
                        since <Time iso={a.since} />
                      </span>
                      <Digest value={a.manifestDigest} chars={8} />
                    </p>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-400">
                No aliases yet. <span className="font-mono text-xs">staging</span> and <span className="font-mono text-xs">prod</span> are set when a version is promoted.
              </p>
            )}
          </CardBody>
        </Card>
        {candidates.length ? (
          <Card aria-labelledby="promote-heading">
            <CardHeader id="promote-heading" title="Request promotion" description="Versions move one stage at a time: dev → staging → prod." />
            <CardBody className="space-y-5">
              {candidates.map((c) => (
                <RequestPromotionForm key={c.version} model={model.name} version={c.version} to={c.to} request={requestPromotionAction} compact />
              ))}
            </CardBody>
          </Card>
        ) : null}
        {mayRollback && stages.prod ? (
          <Card aria-labelledby="rollback-heading">
            <CardHeader id="rollback-heading" title="Roll back prod" description="Moves prod back at once to a version that was prod before, without re-running gates." />
            <CardBody>
              {stages.formerProds.length ? (
                <RollbackForm model={model.name} prod={stages.prod} formerProds={stages.formerProds} rollback={rollbackAction} />
              ) : (
                <p className="text-sm text-slate-600 dark:text-slate-400">{stages.prod} is the first prod version: there is no earlier prod to roll back to.</p>
              )}
            </CardBody>
          </Card>
        ) : null}
        {can(actor, "model.manage_owners") ? (
          <Card aria-labelledby="owners-heading">
            <CardHeader id="owners-heading" title="Owners" description="Owners upload versions and edit the model; admins assign them." />
            <CardBody>
              <OwnersEditor model={model.name} owners={model.owners} save={setOwnersAction} />
            </CardBody>
          </Card>
        ) : null}
        </div>
      </div>
    </>
  );
}
