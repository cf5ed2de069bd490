import Link from "next/link";
import { buttonClasses } from "../ui/button";

const input =
  "block h-8 w-full rounded-md border-0 bg-white px-2.5 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** GET form: filters live in the URL, so a filtered view can be shared with another auditor. */
export function AuditFilters({ action, subjectType, subjectId }: { action?: string; subjectType?: string; subjectId?: string }) {
  const active = Boolean(action || subjectType || subjectId);
  return (
    <form method="get" action="/audit" className="flex flex-wrap items-end gap-3" aria-label="Filter audit events">
      <FilterField id="f-action" name="action" label="Action" value={action} placeholder="model.created" maxLength={100} width="w-40" />
      <FilterField id="f-subject-type" name="subjectType" label="Subject type" value={subjectType} placeholder="model" maxLength={100} width="w-36" />
      <FilterField id="f-subject-id" name="subjectId" label="Subject id" value={subjectId} placeholder="credit-risk" maxLength={500} width="w-56" />
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

type FilterFieldProps = { id: string; name: string; label: string; value?: string; placeholder: string; maxLength: number; width: string };

function FilterField({ id, name, label, value, placeholder, maxLength, width }: FilterFieldProps) {
  return (
    <div className={width}>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input id={id} name={name} defaultValue={value} placeholder={placeholder} maxLength={maxLength} className={input} />
    </div>
  );
}
