// The manifest's input schema as a table a reviewer can scan: what goes into the model, of which type,
// in which range, whether it may be missing and which categories are allowed. Parsed loosely: the
// upload already validated it, and a field this view does not know is left to the manifest below.
import { z } from "zod";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";

const featureSchema = z.object({
  name: z.string(),
  type: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  nullable: z.boolean().optional(),
  categories: z.array(z.union([z.string(), z.number()])).optional(),
});
const schemaSchema = z.object({
  features: z.array(z.unknown()),
  tensor: z.string().optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
});

/** Categories listed before "and N more": the table stays readable; the manifest has all of them. */
const CATEGORIES_SHOWN = 12;

function range(f: z.infer<typeof featureSchema>): string {
  if (f.min === undefined && f.max === undefined) return "—";
  if (f.min !== undefined && f.max !== undefined) return `${f.min} to ${f.max}`;
  return f.min !== undefined ? `≥ ${f.min}` : `≤ ${f.max}`;
}

export function InputSchemaTable({ inputSchema }: { inputSchema: unknown }) {
  const parsed = schemaSchema.safeParse(inputSchema);
  if (!parsed.success) return <p className="px-5 py-4 text-sm text-slate-600 dark:text-slate-400">No input schema in the manifest: fairness and adversarial checks need one.</p>;
  const { features, tensor, outputs } = parsed.data;
  return (
    <>
      <Table caption="Input schema: features the model takes">
        <THead>
          <TH>Feature</TH>
          <TH>Type</TH>
          <TH>Range</TH>
          <TH>Nullable</TH>
          <TH>Categories</TH>
        </THead>
        <TBody>
          {features.map((raw, i) => {
            const f = featureSchema.safeParse(raw);
            if (!f.success)
              return (
                <TR key={i}>
                  <RowHeader className="font-mono text-xs">#{i + 1}</RowHeader>
                  <TD colSpan={4} className="font-mono text-xs">
                    {JSON.stringify(raw).slice(0, 300)}
                  </TD>
                </TR>
              );
            const c = f.data.categories;
            return (
              <TR key={`${f.data.name}-${i}`}>
                <RowHeader className="font-mono text-xs break-all">{f.data.name}</RowHeader>
                <TD className="font-mono text-xs">{f.data.type ?? "—"}</TD>
                <TD className="font-mono text-xs whitespace-nowrap tabular-nums">{range(f.data)}</TD>
                <TD className="text-xs">{f.data.nullable ? "yes" : "no"}</TD>
                <TD className="text-xs">
                  {c?.length ? (
                    <>
                      <span className="font-mono">{c.slice(0, CATEGORIES_SHOWN).join(", ")}</span>
                      {c.length > CATEGORIES_SHOWN ? <span className="text-slate-600 dark:text-slate-400"> and {c.length - CATEGORIES_SHOWN} more</span> : null}
                    </>
                  ) : (
                    "—"
                  )}
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
      {tensor || outputs ? (
        <dl className="grid gap-x-6 gap-y-1 border-t border-slate-200 px-5 py-3 text-sm sm:grid-cols-[auto_minmax(0,1fr)] dark:border-slate-700">
          {tensor ? (
            <>
              <dt className="text-slate-600 dark:text-slate-400">Input tensor</dt>
              <dd className="font-mono text-xs text-slate-800 dark:text-slate-200">{tensor} (all features in this order, as one row)</dd>
            </>
          ) : null}
          {outputs
            ? Object.entries(outputs).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-600 dark:text-slate-400">Output {k}</dt>
                  <dd className="font-mono text-xs break-all text-slate-800 dark:text-slate-200">{typeof v === "string" || typeof v === "number" ? v : JSON.stringify(v)}</dd>
                </div>
              ))
            : null}
        </dl>
      ) : null}
    </>
  );
}
