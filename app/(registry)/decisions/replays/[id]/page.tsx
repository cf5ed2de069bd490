import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ReplayDifferences, ReplayJobProgress, ReplayJobStatus, ReplayJobVerdict, ReplayOutcomes } from "@/components/decisions/replay-job";
import { replayJobActive, replayJobScope } from "@/components/decisions/replay-job-format";
import { decisionsHref, modelHref, replayJobsHref, versionHref } from "@/components/links";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Digest } from "@/components/ui/digest";
import { RoleForbidden } from "@/components/ui/forbidden";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { requirePageActor } from "@/app/_lib/next-auth";
import { datetimeLocal } from "@/app/_lib/utc-instant";
import { can } from "@/lib/auth/permissions";
import { userEmailsById } from "@/lib/auth/user-emails";
import { getReplayJob } from "@/lib/decisions/get-replay-job";
import { getServices } from "@/lib/server/services";
import { orNotFound, routeSegment } from "../../../../_lib/page-helpers";

type Params = Promise<{ id: string }>;

const idSchema = z.uuid();
const link = "rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300";

export const metadata: Metadata = { title: "Bulk replay" };

export default async function ReplayJobPage({ params }: { params: Params }) {
  const raw = routeSegment((await params).id);
  const actor = await requirePageActor(`/decisions/replays/${encodeURIComponent(raw)}`);
  if (!can(actor, "decisions.read"))
    return (
      <RoleForbidden title="Bulk replays are for auditors and admins" actor={actor}>
        Ask an admin for the auditor role if you need to trace decisions.
      </RoleForbidden>
    );
  const id = idSchema.safeParse(raw.toLowerCase());
  if (!id.success) notFound();
  const services = await getServices();
  const job = await orNotFound(getReplayJob(services.prisma, { id: id.data }));
  const emails = job.requestedBy.type === "user" ? await userEmailsById(services.prisma, [job.requestedBy.id]) : new Map<string, string>();
  const requester = emails.get(job.requestedBy.id) ?? (job.requestedBy.type === "bootstrap" ? "the bootstrap token" : job.requestedBy.id);
  const { filter } = job;
  const active = replayJobActive(job);
  const searchFilters = { model: filter.model, version: filter.version, from: datetimeLocal(filter.from), to: datetimeLocal(filter.to) };

  return (
    <>
      <PageHeader
        crumbs={[
          { label: "Decisions", href: "/decisions" },
          { label: "Bulk replays", href: replayJobsHref() },
          { label: `${job.id.slice(0, 13)}…` },
        ]}
        title={
          <span>
            Bulk replay of <span className="font-mono">{filter.version ? `${filter.model}@${filter.version}` : filter.model}</span>
          </span>
        }
        meta={
          <>
            <ReplayJobStatus status={job.status} />
            <span>{replayJobScope(filter).split(" · ")[1]}</span>
            <span>
              asked by <span className="font-medium text-slate-700 dark:text-slate-300">{requester}</span> <Time iso={job.createdAt} mode="absolute" />
            </span>
            <span className="inline-flex items-center gap-1">
              id <Digest value={job.id} chars={13} />
            </span>
          </>
        }
        actions={<AutoRefresh active={active} doneMessage="The job has ended." />}
      />
      <div className="space-y-6">
        <section aria-label="Verdict" className="space-y-3">
          <ReplayJobVerdict job={job} />
          {active || job.status === "failed" ? <ReplayJobProgress job={job} /> : null}
        </section>

        <div className="grid gap-6 lg:grid-cols-3">
          <Card aria-labelledby="outcomes-heading" className="min-w-0 lg:col-span-2">
            <CardHeader id="outcomes-heading" title="Outcomes" description="Each decision's stored outputs against the version's answer now, on bytes verified first." />
            <CardBody>
              <ReplayOutcomes counts={job.counts} />
            </CardBody>
          </Card>
          <Card aria-labelledby="scope-heading" className="min-w-0">
            <CardHeader id="scope-heading" title="What was replayed" />
            <dl className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
              <Row label="Model">
                <Link href={modelHref(filter.model)} className={`${link} font-mono`}>
                  {filter.model}
                </Link>
              </Row>
              <Row label="Version">
                {filter.version ? (
                  <Link href={versionHref(filter.model, filter.version)} className={`${link} font-mono`}>
                    {filter.version}
                  </Link>
                ) : (
                  "every version"
                )}
              </Row>
              <Row label="From">{filter.from ? <Time iso={filter.from} mode="absolute" /> : "the first decision"}</Row>
              <Row label="Before">{filter.to ? <Time iso={filter.to} mode="absolute" /> : "no end"}</Row>
              <Row label="Decisions">{job.total === null ? "not counted yet" : job.total.toLocaleString("en-US")}</Row>
              <Row label="Started">{job.startedAt ? <Time iso={job.startedAt} mode="absolute" /> : "not yet"}</Row>
              <Row label="Ended">{job.finishedAt ? <Time iso={job.finishedAt} mode="absolute" /> : "not yet"}</Row>
            </dl>
            <div className="border-t border-slate-200 px-5 py-3 text-sm dark:border-slate-700">
              <Link href={decisionsHref(searchFilters)} className={link}>
                Search these decisions →
              </Link>
            </div>
          </Card>
        </div>

        <Card aria-labelledby="differences-heading">
          <CardHeader
            id="differences-heading"
            title="First differences"
            description="Up to the first 20 decisions, in time order, that differ from their stored answer or could not be replayed. Open one to replay it alone and compare output by output."
          />
          {job.differences.length ? (
            <ReplayDifferences differences={job.differences} />
          ) : (
            <CardBody>
              <p className="text-sm text-slate-700 dark:text-slate-300">{active ? "None so far." : job.processed ? "None: every replayed decision gave its stored answer." : "None."}</p>
            </CardBody>
          )}
        </Card>
      </div>
    </>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-3 px-5 py-2.5">
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}
