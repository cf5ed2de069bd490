import Link from "next/link";
import type { VersionSummary } from "@/lib/registry/versions";
import { versionHref } from "../links";
import { Digest } from "../ui/digest";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { Time } from "../ui/time";
import { AliasBadge, StageBadge, StatusBadge } from "../versions/badges";

export function VersionsTable({ versions }: { versions: VersionSummary[] }) {
  return (
    <Table caption="Versions, newest first">
      <THead>
        <TH>Version</TH>
        <TH>Stage</TH>
        <TH>Status</TH>
        <TH>Format</TH>
        <TH>Manifest digest</TH>
        <TH>Created</TH>
        <TH>By</TH>
      </THead>
      <TBody>
        {versions.map((v) => (
          <TR key={v.version}>
            <RowHeader>
              <div className="flex flex-wrap items-center gap-2">
                <Link href={versionHref(v.model, v.version)} className="rounded font-mono text-[13px] font-semibold text-indigo-700 dark:text-indigo-300 hover:text-indigo-900 dark:hover:text-indigo-200 hover:underline">
                  {v.version}
                </Link>
                {v.aliases.map((a) => (
                  <AliasBadge key={a} name={a} />
                ))}
              </div>
            </RowHeader>
            <TD>
              <StageBadge stage={v.stage} />
            </TD>
            <TD>
              <StatusBadge status={v.status} />
            </TD>
            <TD>
              <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{v.artifactFormat}</span>
            </TD>
            <TD>
              <Digest value={v.manifestDigest} prefix="sha256:" chars={12} />
            </TD>
            <TD className="text-slate-500 dark:text-slate-400">
              <Time iso={v.createdAt} />
            </TD>
            <TD className="text-slate-600 dark:text-slate-400">{v.createdBy ?? <span className="text-slate-500 dark:text-slate-400">bootstrap token</span>}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
