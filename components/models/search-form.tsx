import { buttonClasses } from "../ui/button";
import { SearchIcon } from "../ui/icons";
import Link from "next/link";

/** A plain GET form: works without JavaScript and keeps the search in the URL (shareable). */
export function ModelSearchForm({ q }: { q?: string }) {
  return (
    <form role="search" action="/" method="get" className="flex w-full max-w-md items-center gap-2">
      <div className="relative flex-1">
        <label htmlFor="model-search" className="sr-only">
          Search models
        </label>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500 dark:text-slate-400" />
        <input
          id="model-search"
          name="q"
          type="search"
          defaultValue={q}
          maxLength={200}
          placeholder="Search name, description or exact tag"
          className="block h-9 w-full rounded-md border-0 bg-white dark:bg-slate-900 pr-3 pl-9 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-slate-300 dark:ring-slate-600 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none"
        />
      </div>
      <button type="submit" className={buttonClasses({ variant: "secondary" })}>
        Search
      </button>
      {q ? (
        <Link href="/" className={buttonClasses({ variant: "ghost" })}>
          Clear
        </Link>
      ) : null}
    </form>
  );
}
