import type { Metadata } from "next";
import Link from "next/link";
import { checkKindLabel, isPending } from "@/lib/checks/format";
import { checkKinds } from "@/lib/checks/types";
import { CheckHistoryTable } from "@/components/checks/check-history-table";
import { CheckSection } from "@/components/checks/check-section";
import { ChecksAutoRefresh } from "@/components/checks/checks-auto-refresh";
import { RerunChecksButton } from "@/components/checks/rerun-checks-button";
import { ChecksStateBadge, VerdictBadge } from "@/components/checks/verdict-badge";
import { modelHref, versionHref } from "@/components/links";
import { Card, CardHeader } from "@/components/ui/card";
import { Digest } from "@/components/ui/digest";
import { EmptyState } from "@/components/ui/empty-state";
import { ShieldCheckIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { modelOwnerIds } from "@/lib/registry/models";
import { listCheckRuns } from "@/lib/checks/list-check-runs";
import { getServices } from "@/lib/server/services";
import { orNotFound, routeSegment } from "../../../../../../_lib/page-helpers";
import { rerunChecksAction } from "./actions";

type Params = Promise<{ name: string; version: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const p = await params;
  return { title: `Checks · ${routeSegment(p.name)}@${routeSegment(p.version)}` };
}

export default async function ChecksPage({ params }: { params: Params }) {
  const p = await params;
  const name = routeSegment(p.name);
  const versionName = routeSegment(p.version);
  const actor = await requirePageActor(`${versionHref(name, versionName)}/checks`);
  const { prisma } = await getServices();
  const checks = await orNotFound(listCheckRuns(prisma, { model: name, version: versionName }));
  // The same rule POST …/checks applies: checks.run, on a model this user owns (admins: any).
  const canRerun = can(actor, "checks.run", { owners: await modelOwnerIds(prisma, name) });
  const byKind = new Map(checks.latest.map((r) => [r.kind, r]));
  const active = checks.latest.some(isPending);

  return (
    <>
      <PageHeader
        crumbs={[
          { label: "Models", href: "/" },
          { label: checks.model, href: modelHref(checks.model) },
          { label: checks.version, href: versionHref(checks.model, checks.version) },
          { label: "Checks" },
        ]}
        title={
          <>
            Checks <span className="font-mono text-lg font-normal text-slate-500 dark:text-slate-400">{`${checks.model}@${checks.version}`}</span>
          </>
        }
        description={<>Every result is tied to this manifest digest and the checker version that produced it. Reruns add runs; they never overwrite history.</>}
        meta={
          <>
            <ChecksStateBadge state={checks.state} />
            <span className="min-w-0">{checks.summary}</span>
            <span className="inline-flex items-center gap-1.5">
              Manifest <Digest value={checks.manifestDigest} prefix="sha256:" chars={12} />
            </span>
            <ChecksAutoRefresh active={active} />
          </>
        }
        actions={
          canRerun ? (
            <RerunChecksButton model={checks.model} version={checks.version} action={rerunChecksAction} />
          ) : (
            <p className="max-w-56 text-right text-xs text-slate-500 dark:text-slate-400">Rerunning checks needs the contributor role or above (you are {/^[aeiou]/.test(actor.role) ? "an" : "a"} {actor.role}).</p>
          )
        }
      />

      {checks.latest.length === 0 ? (
        <Card>
          <EmptyState icon={<ShieldCheckIcon className="size-5" />} title="No checks have run for this version">
            It was uploaded before the checks engine existed. {canRerun ? "Rerun the checks to evaluate it." : "Someone with the contributor role can rerun them."}
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-6">
          <nav aria-label="Checks on this page" className="rounded-xl bg-white dark:bg-slate-900 px-5 py-3 shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
            <ul className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
              {checkKinds.map((kind) => {
                const run = byKind.get(kind);
                return (
                  <li key={kind} className="flex items-center gap-2">
                    <Link href={`#check-${kind}`} className="rounded font-medium text-indigo-700 dark:text-indigo-300 hover:text-indigo-900 dark:hover:text-indigo-200 hover:underline">
                      {checkKindLabel[kind]}
                    </Link>
                    {run ? <VerdictBadge status={run.status} verdict={run.verdict} /> : <span className="text-xs text-slate-500 dark:text-slate-400">not requested</span>}
                  </li>
                );
              })}
              <li className="sm:ml-auto">
                <Link href="#history" className="rounded text-slate-600 dark:text-slate-400 hover:text-slate-900 dark:hover:text-slate-100 hover:underline">
                  History ({checks.history.length} runs)
                </Link>
              </li>
            </ul>
          </nav>

          {checkKinds.map((kind) => {
            const run = byKind.get(kind);
            return (
              <CheckSection
                key={kind}
                kind={kind}
                run={run}
                log={run?.log ?? undefined}
                actions={canRerun ? <RerunChecksButton model={checks.model} version={checks.version} kind={kind} action={rerunChecksAction} size="sm" variant="secondary" /> : undefined}
              />
            );
          })}

          <Card aria-labelledby="history-heading">
            <div id="history" className="scroll-mt-20" />
            <CardHeader id="history-heading" title="History" description="Every run of every check, newest first, with what it was evaluated against." />
            <CheckHistoryTable runs={checks.history} latestIds={new Set(checks.latest.map((r) => r.id))} />
          </Card>
        </div>
      )}
    </>
  );
}
