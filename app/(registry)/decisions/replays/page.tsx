import type { Metadata } from "next";
import { z } from "zod";
import { ReplayJobForm } from "@/components/decisions/replay-job-form";
import { ReplayJobsTable } from "@/components/decisions/replay-job";
import { replayJobActive } from "@/components/decisions/replay-job-format";
import { replayJobsHref } from "@/components/links";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { RoleForbidden } from "@/components/ui/forbidden";
import { RefreshIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { userEmailsById } from "@/lib/auth/user-emails";
import { listReplayJobs } from "@/lib/decisions/get-replay-job";
import { getServices } from "@/lib/server/services";
import { orFirstPage, type SearchParams } from "../../../_lib/page-helpers";
import { startReplayJobAction } from "../actions";

export const metadata: Metadata = { title: "Bulk replays" };

const PAGE_SIZE = 25;
const text = (max: number) => z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.string().trim().max(max).optional().catch(undefined));
// model, version, from and to pre-fill the start form (a decision search links here with its filters).
const searchParams = z.object({ model: text(100), version: text(128), from: text(40), to: text(40), cursor: text(1000) });

export default async function ReplayJobsPage({ searchParams: raw }: { searchParams: SearchParams }) {
  const { cursor, ...prefill } = searchParams.parse(await raw);
  const actor = await requirePageActor(replayJobsHref(prefill));
  if (!can(actor, "decisions.read"))
    return (
      <RoleForbidden title="Bulk replays are for auditors and admins" actor={actor}>
        Ask an admin for the auditor role if you need to check that past decisions still replay to their answers.
      </RoleForbidden>
    );
  const services = await getServices();
  const jobs = await orFirstPage(listReplayJobs(services.prisma, { limit: PAGE_SIZE, cursor }), replayJobsHref());
  const requesters = await userEmailsById(
    services.prisma,
    jobs.items.filter((j) => j.requestedBy.type === "user").map((j) => j.requestedBy.id),
  );
  const mayStart = can(actor, "decisions.replay");
  const active = jobs.items.some(replayJobActive);

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Decisions", href: "/decisions" }, { label: "Bulk replays" }]}
        title="Bulk replays"
        description="Replay every decision of a model, or of one version, in a time range on the exact bytes that made them — to show a regulator that past decisions still come out the same, or to find the ones that do not."
      />
      <div className="space-y-6">
        {mayStart ? (
          <Card aria-labelledby="start-heading">
            <CardHeader
              id="start-heading"
              title="Start a bulk replay"
              description="The job runs in the background, in time order, and its report fills in as it goes. Decisions whose ledger row keeps only the input's digest are counted as not replayable (replay those one by one with the original input)."
            />
            <CardBody>
              <ReplayJobForm values={prefill} start={startReplayJobAction} />
            </CardBody>
          </Card>
        ) : null}
        <Card aria-labelledby="jobs-heading">
          <CardHeader id="jobs-heading" title="Jobs" description="Newest first. Open one for its report." actions={<AutoRefresh active={active} doneMessage="Every job on this page has ended." />} />
          {jobs.items.length === 0 ? (
            <EmptyState icon={<RefreshIcon className="size-5" />} title={cursor ? "No more jobs" : "No bulk replays yet"}>
              {mayStart ? "Start one above: a model, optionally a version and a time range." : "Auditors and admins start bulk replays here or with POST /api/v1/replay-jobs."}
            </EmptyState>
          ) : (
            <>
              <ReplayJobsTable jobs={jobs.items} requesters={requesters} />
              <CursorPagination basePath="/decisions/replays" nextCursor={jobs.nextCursor} isFirstPage={!cursor} shown={jobs.items.length} noun="jobs" />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
