import type { VersionDetail } from "@/lib/registry/versions";
import { fileDownloadHref } from "../links";
import { Badge, type BadgeTone } from "../ui/badge";
import { Digest } from "../ui/digest";
import { formatBytes } from "@/lib/format/bytes";
import { DownloadIcon } from "../ui/icons";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";

type File = VersionDetail["files"][number];

const roleLabel: Record<File["role"], [string, BadgeTone]> = {
  artifact: ["artifact", "indigo"],
  card: ["model card", "violet"],
  testVectors: ["test vectors", "blue"],
  evaluation: ["evaluation data", "amber"],
  adversarial: ["adversarial", "red"],
  other: ["other", "neutral"],
};

export function FilesTable({ model, version, files }: { model: string; version: string; files: File[] }) {
  const total = files.reduce((n, f) => n + f.size, 0);
  return (
    <Table caption={`Files of ${model}@${version}`}>
      <THead>
        <TH>Path</TH>
        <TH>Role</TH>
        <TH className="text-right">Size</TH>
        <TH>sha256</TH>
        <TH>
          <span className="sr-only">Download</span>
        </TH>
      </THead>
      <TBody>
        {files.map((f) => {
          const [label, tone] = roleLabel[f.role];
          return (
            <TR key={f.path}>
              <RowHeader>
                <span className="font-mono text-[13px] break-all">{f.path}</span>
                <span className="mt-0.5 block text-xs font-normal text-slate-500 dark:text-slate-400">{f.mediaType}</span>
              </RowHeader>
              <TD>
                <Badge tone={tone}>{label}</Badge>
              </TD>
              <TD className="text-right whitespace-nowrap tabular-nums" title={`${f.size.toLocaleString("en")} bytes`}>
                {formatBytes(f.size)}
              </TD>
              <TD>
                <Digest value={f.sha256} chars={16} />
              </TD>
              <TD className="text-right">
                <a
                  href={fileDownloadHref(model, version, f.path)}
                  download
                  className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-sm font-medium text-indigo-700 dark:text-indigo-300 hover:bg-indigo-50 dark:hover:bg-indigo-500/15 hover:text-indigo-900 dark:hover:text-indigo-200"
                >
                  <DownloadIcon className="size-4" />
                  Download<span className="sr-only"> {f.path}</span>
                </a>
              </TD>
            </TR>
          );
        })}
      </TBody>
      <tfoot className="border-t border-slate-200 dark:border-slate-700 text-xs text-slate-500 dark:text-slate-400">
        <tr>
          <td colSpan={2} className="px-5 py-2.5">
            {files.length} file{files.length === 1 ? "" : "s"}
          </td>
          <td className="px-4 py-2.5 text-right tabular-nums">{formatBytes(total)}</td>
          <td colSpan={2} />
        </tr>
      </tfoot>
    </Table>
  );
}
