import { cn } from "./cn";
import { CopyButton } from "./copy-button";

/**
 * A command or document to copy; `label` names it for screen readers and the copy button.
 * `copyable={false}` drops the button, e.g. for a shortened preview that must not be copied as the real thing.
 */
export function CodeBlock({
  code,
  label,
  className,
  maxHeight,
  copyable = true,
}: {
  code: string;
  label: string;
  className?: string;
  maxHeight?: boolean;
  copyable?: boolean;
}) {
  return (
    <div className={cn("group relative rounded-lg bg-slate-900 dark:bg-slate-950 text-left text-slate-100 ring-1 ring-slate-800 dark:ring-slate-700", className)}>
      <pre
        tabIndex={0}
        aria-label={label}
        className={cn("overflow-x-auto px-4 py-3 font-mono text-[13px] leading-relaxed", copyable && "pr-12", maxHeight && "max-h-[32rem] overflow-y-auto")}
      >
        <code>{code}</code>
      </pre>
      {copyable ? <CopyButton value={code} label={`Copy ${label}`} className="absolute top-2 right-2 text-slate-300 hover:bg-slate-700 hover:text-white" /> : null}
    </div>
  );
}
