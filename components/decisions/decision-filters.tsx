// The decision search: a plain GET form, so a search is a URL to share with another auditor. A
// decision id jumps straight to the decision; the other fields filter the ledger (exact values).
import Link from "next/link";
import { buttonClasses } from "../ui/button";
import { cn } from "../ui/cn";
import { SearchIcon } from "../ui/icons";

const control =
  "block h-9 w-full rounded-md border-0 bg-white px-2.5 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-indigo-600 focus:outline-none dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600 dark:placeholder:text-slate-400";
const labelClass = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";

/** The values as typed (times as `YYYY-MM-DDTHH:MM`, UTC), echoed back into the form. */
export type DecisionFilterValues = {
  id?: string;
  requestId?: string;
  model?: string;
  version?: string;
  source?: "predict" | "reported";
  from?: string;
  to?: string;
};

export function DecisionFilters({ values }: { values: DecisionFilterValues }) {
  const active = Object.values(values).some(Boolean);
  return (
    <div className="space-y-4">
      <form method="get" action="/decisions" aria-label="Open a decision by id" className="flex max-w-2xl flex-wrap items-end gap-2">
        <Field name="id" label="Decision id" value={values.id} placeholder="0195f3a2-6c1e-7b3d-…" maxLength={100} className="min-w-0 flex-1 basis-64" mono />
        <button type="submit" className={buttonClasses({ variant: "primary", size: "sm", className: "h-9" })}>
          Open decision
        </button>
      </form>
      <form method="get" action="/decisions" aria-label="Search decisions">
        {/* Two columns even on a phone (short values), four from lg; ids and times get more room. */}
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <Field name="requestId" label="Request id" hint="exact" value={values.requestId} placeholder="loan-2026-000123" maxLength={200} className="col-span-2" mono />
          <Field name="model" label="Model" value={values.model} placeholder="credit-risk" maxLength={100} />
          <Field name="version" label="Version" hint="with a model" value={values.version} placeholder="1.4.0" maxLength={128} />
          <Field name="from" label="From" hint="UTC" type="datetime-local" value={values.from} className="col-span-2 sm:col-span-1" />
          <Field name="to" label="Before" hint="UTC" type="datetime-local" value={values.to} className="col-span-2 sm:col-span-1" />
          <div className="min-w-0">
            <label htmlFor="df-source" className={labelClass}>
              Source
            </label>
            <select id="df-source" name="source" defaultValue={values.source ?? ""} className={control}>
              <option value="">Any</option>
              <option value="predict">predict (made by the registry)</option>
              <option value="reported">reported (external server)</option>
            </select>
          </div>
          <div className="flex items-end gap-2">
            <button type="submit" className={buttonClasses({ variant: "secondary", size: "sm", className: "h-9" })}>
              <SearchIcon className="size-3.5" />
              Search
            </button>
            {active ? (
              <Link href="/decisions" className={buttonClasses({ variant: "ghost", size: "sm", className: "h-9" })}>
                Clear
              </Link>
            ) : null}
          </div>
        </div>
      </form>
    </div>
  );
}

type FieldProps = {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  placeholder?: string;
  maxLength?: number;
  type?: "text" | "datetime-local";
  className?: string;
  mono?: boolean;
};

function Field({ name, label, hint, value, placeholder, maxLength, type = "text", className, mono }: FieldProps) {
  const id = `df-${name}`;
  return (
    <div className={cn("min-w-0", className)}>
      <label htmlFor={id} className={labelClass}>
        {label}
        {hint ? <span className="font-normal text-slate-500 dark:text-slate-400"> ({hint})</span> : null}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={value}
        placeholder={placeholder}
        maxLength={maxLength}
        spellCheck={false}
        autoComplete="off"
        className={cn(control, mono && "font-mono")}
      />
    </div>
  );
}
