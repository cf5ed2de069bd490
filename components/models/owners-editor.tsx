"use client";
// The model's owners, editable by admins: one email per line. Owners upload versions and edit the
// model; a model without owners is written to by admins only.
import { useState, useTransition } from "react";
import { Button } from "../ui/button";

export type SetOwnersResult = { ok: boolean; message: string; owners?: string[] };

export function OwnersEditor({ model, owners, save }: { model: string; owners: string[]; save: (input: { model: string; emails: string[] }) => Promise<SetOwnersResult> }) {
  const [text, setText] = useState(owners.join("\n"));
  const [result, setResult] = useState<SetOwnersResult | null>(null);
  const [pending, start] = useTransition();
  const submit = () =>
    start(async () => {
      const emails = text.split(/[\s,]+/).map((e) => e.trim()).filter(Boolean);
      const r = await save({ model, emails });
      setResult(r);
      if (r.ok && r.owners) setText(r.owners.join("\n"));
    });
  return (
    <div className="space-y-2">
      <label htmlFor="owners" className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        Owners (one email per line)
      </label>
      <textarea
        id="owners"
        rows={Math.max(2, Math.min(6, text.split("\n").length + 1))}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 dark:text-slate-100 shadow-sm ring-1 ring-slate-300 dark:ring-slate-600 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
      />
      <Button size="sm" variant="secondary" disabled={pending} onClick={submit}>
        {pending ? "Saving…" : "Save owners"}
      </Button>
      <p role="status" aria-live="polite" className={result?.ok ? "text-xs text-emerald-700 dark:text-emerald-300" : "text-xs text-red-700 dark:text-red-300"}>
        {result?.message}
      </p>
    </div>
  );
}
