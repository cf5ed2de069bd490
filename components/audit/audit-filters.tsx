import Link from "next/link";
import { buttonClasses } from "../ui/button";
import { cn } from "../ui/cn";

const control =
  "block h-9 w-full rounded-md border-0 bg-white dark:bg-slate-900 px-2.5 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-slate-300 dark:ring-slate-600 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none";
const labelClass = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";

/** The filter values as typed (times as `YYYY-MM-DDTHH:MM`, UTC), echoed back into the form. */
export type AuditFilterValues = {
  actor?: string;
  credential?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  from?: string;
  to?: string;
  order?: "asc" | "desc";
};

/** GET form: filters live in the URL, so a filtered view can be shared with another auditor. */
export function AuditFilters({ values }: { values: AuditFilterValues }) {
  const { order, ...filters } = values;
  const active = Object.values(filters).some(Boolean) || order === "asc";
  return (
    <form method="get" action="/audit" aria-label="Filter audit events">
      {/* Two columns even on a phone (short values), four on wide screens; emails and times get more room. */}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <FilterField name="actor" label="Actor" hint="email or id" value={filters.actor} placeholder="alice@example.com" maxLength={320} className="col-span-2" />
        <FilterField name="credential" label="Credential" value={filters.credential} placeholder="token:…" maxLength={200} />
        <FilterField name="action" label="Action" value={filters.action} placeholder="model.created" maxLength={100} />
        <FilterField name="subjectType" label="Subject type" value={filters.subjectType} placeholder="model" maxLength={100} />
        <FilterField name="subjectId" label="Subject id" value={filters.subjectId} placeholder="credit-risk" maxLength={500} />
        <FilterField name="from" label="From" hint="UTC" type="datetime-local" value={filters.from} className="col-span-2 sm:col-span-1" />
        <FilterField name="to" label="Before" hint="UTC" type="datetime-local" value={filters.to} className="col-span-2 sm:col-span-1" />
        <div className="min-w-0">
          <label htmlFor="f-order" className={labelClass}>
            Order
          </label>
          <select id="f-order" name="order" defaultValue={order ?? "desc"} className={control}>
            <option value="desc">Newest first</option>
            <option value="asc">Chain order (oldest first)</option>
          </select>
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClasses({ variant: "secondary", size: "sm" })}>
            Filter
          </button>
          {active ? (
            <Link href="/audit" className={buttonClasses({ variant: "ghost", size: "sm" })}>
              Clear
            </Link>
          ) : null}
        </div>
      </div>
    </form>
  );
}

type FilterFieldProps = {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  placeholder?: string;
  maxLength?: number;
  type?: "text" | "datetime-local";
  className?: string;
};

function FilterField({ name, label, hint, value, placeholder, maxLength, type = "text", className }: FilterFieldProps) {
  const id = `f-${name}`;
  return (
    <div className={cn("min-w-0", className)}>
      <label htmlFor={id} className={labelClass}>
        {label}
        {hint ? <span className="font-normal text-slate-500 dark:text-slate-400"> ({hint})</span> : null}
      </label>
      <input id={id} name={name} type={type} defaultValue={value} placeholder={placeholder} maxLength={maxLength} className={control} />
    </div>
  );
}
