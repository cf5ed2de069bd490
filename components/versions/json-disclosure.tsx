// Uploader-written JSON on the version page. Values are collapsed behind a summary of their size
// unless small, and every preview is capped (json-preview.ts): even a closed <details>, whose content
// is still in the page, costs a few kilobytes. Links lead to the full value in the REST API.
import { CodeBlock } from "../ui/code-block";
import { describeJson, FIELD_PREVIEW, formatShape, MANIFEST_PREVIEW, previewJson, type JsonPreview } from "./json-preview";

/** Values up to this size (as compact JSON) and shown whole are open from the start. */
const OPEN_UP_TO_BYTES = 1024;

function ShortenedNote({ preview, fullHref, what }: { preview: JsonPreview; fullHref: string; what: string }) {
  if (!preview.truncated) return null;
  return (
    <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
      Shortened preview: long strings, deep levels and the end are cut where marked with …{" "}
      <a href={fullHref} className="font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
        Open {what} as JSON
      </a>
      .
    </p>
  );
}

/** One free-form value (metadata, hyperparameters…), collapsed with its kind, size and key count. */
export function JsonDisclosure({ label, value, fullHref }: { label: string; value: unknown; fullHref: string }) {
  const shape = describeJson(value);
  const preview = previewJson(value, FIELD_PREVIEW);
  const open = !preview.truncated && shape.bytes !== null && shape.bytes <= OPEN_UP_TO_BYTES;
  return (
    <details open={open} className="group">
      <summary className="cursor-pointer rounded text-sm text-slate-700 dark:text-slate-300 hover:text-slate-900 dark:hover:text-slate-100">
        <span className="font-medium">{label}</span> <span className="text-slate-500 dark:text-slate-400">({formatShape(shape)})</span>
      </summary>
      <CodeBlock className="mt-2" code={preview.text} label={label} maxHeight copyable={!preview.truncated} />
      <ShortenedNote preview={preview} fullHref={fullHref} what="the version" />
    </details>
  );
}

/** The canonical manifest, whole when it fits the preview, else shortened with a link to all of it. */
export function ManifestJson({ manifest, fullHref }: { manifest: Record<string, unknown>; fullHref: string }) {
  const preview = previewJson(manifest, MANIFEST_PREVIEW);
  return (
    <>
      <CodeBlock code={preview.text} label="canonical manifest" maxHeight copyable={!preview.truncated} />
      <ShortenedNote preview={preview} fullHref={fullHref} what="the full manifest" />
    </>
  );
}

/** The manifest's free-form fields that are present, in the order a reviewer reads them. */
export function freeFormFields(manifest: Record<string, unknown>): [label: string, value: unknown][] {
  const m = manifest as { training?: { hyperparameters?: unknown; seeds?: unknown }; metadata?: unknown };
  const fields: [string, unknown][] = [
    ["Hyperparameters", m.training?.hyperparameters],
    ["Seeds", m.training?.seeds],
    ["Metadata", m.metadata],
  ];
  return fields.filter(([, value]) => value !== undefined);
}
