// The queue's filters as a plain GET form: the URL carries them, so a filtered queue can be shared
// and works without JavaScript.
import { buttonClasses } from "../ui/button";
import { controlClasses } from "./field";

export const queueStatuses = [
  ["open", "Open (any)"],
  ["awaiting_approval", "Awaiting approval"],
  ["pending_checks", "Pending checks"],
  ["approved", "Approved"],
  ["promoted", "Promoted"],
  ["rejected", "Rejected"],
  ["cancelled", "Cancelled"],
  ["superseded", "Superseded"],
] as const;

export function ReviewFilters({ status, to, model }: { status: string; to?: string; model?: string }) {
  return (
    <form method="get" action="/reviews" role="search" aria-label="Filter promotion requests" className="flex flex-wrap items-end gap-3 px-5 py-4">
      <div className="w-full sm:w-48">
        <label htmlFor="filter-status" className="mb-1 block text-xs font-medium text-slate-700 dark:text-slate-300">
          Status
        </label>
        <select id="filter-status" name="status" defaultValue={status} className={controlClasses}>
          {queueStatuses.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="w-full sm:w-36">
        <label htmlFor="filter-to" className="mb-1 block text-xs font-medium text-slate-700 dark:text-slate-300">
          Target stage
        </label>
        <select id="filter-to" name="to" defaultValue={to ?? ""} className={controlClasses}>
          <option value="">Any</option>
          <option value="staging">staging</option>
          <option value="prod">prod</option>
        </select>
      </div>
      <div className="w-full sm:w-56">
        <label htmlFor="filter-model" className="mb-1 block text-xs font-medium text-slate-700 dark:text-slate-300">
          Model
        </label>
        <input id="filter-model" name="model" defaultValue={model ?? ""} placeholder="e.g. credit-risk" className={controlClasses} />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonClasses({ variant: "primary" })}>
          Apply filters
        </button>
        <a href="/reviews" className={buttonClasses({ variant: "ghost" })}>
          Reset
        </a>
      </div>
    </form>
  );
}
