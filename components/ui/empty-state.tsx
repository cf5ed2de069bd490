import type { ReactNode } from "react";

/** What an empty list means and what to do next, never just "No data". */
export function EmptyState({ icon, title, children, actions }: { icon?: ReactNode; title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-col items-center px-6 py-12 text-center">
      {icon ? <div className="mb-3 flex size-11 items-center justify-center rounded-full bg-indigo-50 dark:bg-indigo-400/10 text-indigo-600 dark:text-indigo-400">{icon}</div> : null}
      <h3 className="text-sm font-semibold text-slate-900 dark:text-slate-100">{title}</h3>
      {children ? <div className="mt-1.5 max-w-lg text-sm text-slate-500 dark:text-slate-400">{children}</div> : null}
      {actions ? <div className="mt-5 flex w-full max-w-2xl flex-col items-stretch gap-3">{actions}</div> : null}
    </div>
  );
}
