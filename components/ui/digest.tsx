import { cn } from "./cn";
import { CopyButton } from "./copy-button";

/** A sha256 (or other long id) in monospace: shortened for scanning, the full value on hover and copy. */
export function Digest({ value, chars = 12, prefix = "", full = false, className }: { value: string; chars?: number; prefix?: string; full?: boolean; className?: string }) {
  const shown = full || value.length <= chars ? value : `${value.slice(0, chars)}…`;
  return (
    <span className={cn("inline-flex max-w-full items-center gap-1 align-middle", className)}>
      <code title={prefix + value} className={cn("rounded bg-slate-100 dark:bg-slate-800 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:text-slate-300", full && "break-all")}>
        {prefix}
        {shown}
      </code>
      <CopyButton value={prefix + value} label={`Copy ${prefix}${value.slice(0, 12)}…`} />
    </span>
  );
}
