import Link from "next/link";
import type { ModelView } from "@/lib/registry/models";
import { modelHref, versionHref } from "../links";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { Time } from "../ui/time";
import { AliasBadge, TagList } from "../versions/badges";

export function ModelsTable({ models }: { models: ModelView[] }) {
  return (
    <Table caption="Models">
      <THead>
        <TH>Name</TH>
        <TH>Description</TH>
        <TH>Tags</TH>
        <TH>Latest</TH>
        <TH className="text-right">Versions</TH>
        <TH>Aliases</TH>
        <TH>Updated</TH>
      </THead>
      <TBody>
        {models.map((m) => (
          <TR key={m.name}>
            <RowHeader>
              <Link href={modelHref(m.name)} className="rounded font-mono text-[13px] font-semibold text-indigo-700 dark:text-indigo-300 hover:text-indigo-900 dark:hover:text-indigo-200 hover:underline">
                {m.name}
              </Link>
            </RowHeader>
            <TD className="max-w-sm">
              {m.description ? <p className="line-clamp-2 text-slate-600 dark:text-slate-400">{m.description}</p> : <span className="text-slate-500 dark:text-slate-400">No description</span>}
            </TD>
            <TD>
              <TagList tags={m.tags} max={3} />
            </TD>
            <TD>
              {m.latestVersion ? (
                <Link href={versionHref(m.name, m.latestVersion)} className="rounded font-mono text-[13px] text-slate-800 dark:text-slate-200 hover:text-indigo-700 dark:hover:text-indigo-200 hover:underline">
                  {m.latestVersion}
                </Link>
              ) : (
                <span className="text-slate-500 dark:text-slate-400">—</span>
              )}
            </TD>
            <TD className="text-right tabular-nums">{m.versionCount}</TD>
            <TD>
              {Object.keys(m.aliases).length ? (
                <ul className="flex flex-wrap gap-1" aria-label="Aliases">
                  {Object.entries(m.aliases)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([alias, version]) => (
                      <li key={alias} title={`${alias} → ${version}`}>
                        <AliasBadge name={alias} />
                      </li>
                    ))}
                </ul>
              ) : (
                <span className="text-slate-500 dark:text-slate-400">—</span>
              )}
            </TD>
            <TD className="text-slate-500 dark:text-slate-400">
              <Time iso={m.updatedAt} />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
