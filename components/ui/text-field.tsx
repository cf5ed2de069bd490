// A labelled input with its error or hint wired to aria-describedby: the one field markup the
// account forms share.
const inputClasses =
  "block w-full rounded-md border-0 bg-white dark:bg-slate-900 px-3 py-2 text-sm text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-slate-300 dark:ring-slate-600 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-400";

export function TextField({
  id,
  name,
  label,
  type = "text",
  autoComplete,
  error,
  hint,
}: {
  id: string;
  name: string;
  label: string;
  type?: string;
  autoComplete?: string;
  error?: string;
  hint?: string;
}) {
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div>
      <label htmlFor={id} className="mb-1.5 block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      <input id={id} name={name} type={type} autoComplete={autoComplete} aria-invalid={error ? true : undefined} aria-describedby={describedBy} className={inputClasses} />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
