// Cursor paging: the API hands out "next" cursors only (stable under inserts), so the UI offers
// "Next" and "Back to first page" rather than numbered pages.
import { buttonClasses } from "./button";
import Link from "next/link";

export function CursorPagination({
  basePath,
  params = {},
  nextCursor,
  isFirstPage,
  shown,
  noun,
}: {
  basePath: string;
  params?: Record<string, string | undefined>;
  nextCursor: string | null;
  isFirstPage: boolean;
  shown: number;
  noun: string;
}) {
  if (isFirstPage && !nextCursor) return null;
  const href = (cursor?: string) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
    if (cursor) search.set("cursor", cursor);
    const qs = search.toString();
    return qs ? `${basePath}?${qs}` : basePath;
  };
  return (
    <nav aria-label={`${noun} pages`} className="flex items-center justify-between gap-3 border-t border-slate-200 dark:border-slate-700 px-5 py-3 text-sm text-slate-500 dark:text-slate-400">
      <span>
        Showing {shown} {noun}
        {isFirstPage ? "" : " (later page)"}
      </span>
      <div className="flex gap-2">
        {!isFirstPage ? (
          <Link href={href()} className={buttonClasses({ variant: "secondary", size: "sm" })}>
            First page
          </Link>
        ) : null}
        {nextCursor ? (
          <Link href={href(nextCursor)} className={buttonClasses({ variant: "secondary", size: "sm" })} rel="next">
            Next page →
          </Link>
        ) : null}
      </div>
    </nav>
  );
}
