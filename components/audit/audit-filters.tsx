import Link from "next/link";
import { buttonClasses } from "../ui/button";

const input =
  "block h-8 w-full rounded-md border-0 bg-white px-2.5 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** GET form: filters live in the URL, so a filtered view can be shared with another auditor. */
export function AuditFilters({ action, subjectType, subjectId }: { action?: string; subjectType?: string; subjectId?: string }) {
  const active = Boolean(action || subjectType || subjectId);
  return (
    <form method="get" action="/audit" className="flex flex-wrap items-end gap-3" aria-label="Filter audit events">
      <div className="w-40">
        <label htmlFor="f-action" className="mb-1 block text-xs font-medium text-slate-600">
          Action
        </label>
        <input id="f-action" name="action" defaultValue={action} placeholder="model.created" maxLength={100} className={input} />
      </div>
      <div className="w-36">
        <label htmlFor="f-subject-type" className="mb-1 block text-xs font-medium text-slate-600">
          Subject type
        </label>
        <input id="f-subject-type" name="subjectType" defaultValue={subjectType} placeholder="model" maxLength={100} className={input} />
      </div>
      <div className="w-56">
        <label htmlFor="f-subject-id" className="mb-1 block text-xs font-medium text-slate-600">
          Subject id
        </label>
        <input id="f-subject-id" name="subjectId" defaultValue={subjectId} placeholder="credit-risk" maxLength={500} className={input} />
      </div>
      <button type="submit" className={buttonClasses({ variant: "secondary", size: "sm" })}>
        Filter
      </button>
      {active ? (
        <Link href="/audit" className={buttonClasses({ variant: "ghost", size: "sm" })}>
          Clear
        </Link>
      ) : null}
    </form>
  );
}
