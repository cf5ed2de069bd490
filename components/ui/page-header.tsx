import Link from "next/link";
import type { ReactNode } from "react";
import { ChevronRightIcon } from "./icons";

export type Crumb = { label: string; href?: string };

/** `verdict` sits right under the title: the one line a reader needs first (e.g. the checks' outcome). */
export function PageHeader({
  title,
  crumbs,
  description,
  meta,
  actions,
  verdict,
}: {
  title: ReactNode;
  crumbs?: Crumb[];
  description?: ReactNode;
  meta?: ReactNode;
  actions?: ReactNode;
  verdict?: ReactNode;
}) {
  return (
    <header className="mb-6">
      {crumbs?.length ? (
        <nav aria-label="Breadcrumb" className="mb-2">
          <ol className="flex flex-wrap items-center gap-1 text-sm text-slate-500 dark:text-slate-400">
            {crumbs.map((c, i) => (
              <li key={`${c.label}-${i}`} className="flex items-center gap-1">
                {i > 0 ? <ChevronRightIcon className="size-3.5 text-slate-500 dark:text-slate-400" /> : null}
                {c.href ? (
                  <Link href={c.href} className="rounded hover:text-slate-900 dark:hover:text-slate-100 hover:underline">
                    {c.label}
                  </Link>
                ) : (
                  <span aria-current="page" className="text-slate-700 dark:text-slate-300">
                    {c.label}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900 dark:text-slate-100">{title}</h1>
          {verdict ? <div className="mt-2">{verdict}</div> : null}
          {description ? <div className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">{description}</div> : null}
          {meta ? <div className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-slate-500 dark:text-slate-400">{meta}</div> : null}
        </div>
        {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
      </div>
    </header>
  );
}
