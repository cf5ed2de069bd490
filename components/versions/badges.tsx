import { Badge, StatusDot, type BadgeTone } from "../ui/badge";

type Status = "registered" | "checking" | "checked" | "failed";

const statusTone: Record<Status, BadgeTone> = { registered: "neutral", checking: "indigo", checked: "green", failed: "red" };

// One stage badge for the whole UI (icon + word, the workflow's tones): the promotion components' own.
export { StageBadge } from "../promotion/stage-badge";

export function StatusBadge({ status }: { status: Status }) {
  return <StatusDot tone={statusTone[status]}>{status}</StatusDot>;
}

export function AliasBadge({ name }: { name: string }) {
  return (
    <Badge tone={name === "prod" ? "green" : name === "staging" ? "amber" : "violet"}>
      <span aria-hidden="true">@</span>
      {name}
    </Badge>
  );
}

export function TagList({ tags, max = 4 }: { tags: string[]; max?: number }) {
  if (!tags.length) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  const shown = tags.slice(0, max);
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Tags">
      {shown.map((t) => (
        <li key={t}>
          <Badge tone="neutral" className="font-mono text-[11px]">
            {t}
          </Badge>
        </li>
      ))}
      {tags.length > max ? (
        <li>
          <Badge tone="neutral" title={tags.slice(max).join(", ")}>
            +{tags.length - max}
          </Badge>
        </li>
      ) : null}
    </ul>
  );
}
