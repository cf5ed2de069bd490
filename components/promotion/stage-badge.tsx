// A version's stage and a promotion request's status as icon + word (never colour alone), in the
// tones the rest of the registry uses: dev blue, staging amber, prod green, archived grey.
import type { RequestStatus } from "@/lib/promotion/state-machine";
import { Badge, type BadgeTone } from "../ui/badge";
import { CheckCircleIcon, ClockIcon, CubeIcon, MinusCircleIcon, RefreshIcon, ShieldCheckIcon, XCircleIcon } from "../ui/icons";

type Look = { tone: BadgeTone; label: string; Icon: typeof ClockIcon; title: string };

const stageLook: Record<string, Look> = {
  none: { tone: "blue", label: "dev", Icon: CubeIcon, title: "In development: uploaded, not yet promoted" },
  dev: { tone: "blue", label: "dev", Icon: CubeIcon, title: "In development: uploaded, not yet promoted" },
  staging: { tone: "amber", label: "staging", Icon: RefreshIcon, title: "In staging: promoted from dev, on its way to prod" },
  prod: { tone: "green", label: "prod", Icon: ShieldCheckIcon, title: "In production: the prod alias serves it" },
  archived: { tone: "neutral", label: "archived", Icon: MinusCircleIcon, title: "Archived: a former prod, kept for rollback" },
};

export function StageBadge({ stage, rolledBack = false }: { stage: string; rolledBack?: boolean }) {
  const look = stageLook[stage] ?? { tone: "neutral" as const, label: stage, Icon: CubeIcon, title: `Stage: ${stage}` };
  return (
    <Badge tone={look.tone} title={rolledBack ? `${look.title}; rolled back` : look.title}>
      <look.Icon className="size-3.5" />
      {look.label}
      {rolledBack ? <span className="font-normal"> · rolled back</span> : null}
    </Badge>
  );
}

const statusLook: Record<RequestStatus, Look> = {
  pending_checks: { tone: "amber", label: "Pending checks", Icon: ClockIcon, title: "Waiting for its gates: a check is running or failing" },
  awaiting_approval: { tone: "indigo", label: "Awaiting approval", Icon: ClockIcon, title: "Every gate but approvals passes; reviewers may approve" },
  approved: { tone: "green", label: "Approved", Icon: CheckCircleIcon, title: "Every approval is in; the promotion is being completed" },
  promoted: { tone: "green", label: "Promoted", Icon: CheckCircleIcon, title: "The version moved to the stage" },
  rejected: { tone: "red", label: "Rejected", Icon: XCircleIcon, title: "A reviewer rejected the request" },
  cancelled: { tone: "neutral", label: "Cancelled", Icon: MinusCircleIcon, title: "Withdrawn by its requester or an admin" },
  superseded: { tone: "neutral", label: "Superseded", Icon: MinusCircleIcon, title: "Another version was promoted to the stage first" },
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  const look = statusLook[status];
  return (
    <Badge tone={look.tone} title={look.title}>
      <look.Icon className="size-3.5" />
      {look.label}
    </Badge>
  );
}

/** "dev → staging" with both stages as badges. */
export function StageMove({ from, to }: { from: string; to: string }) {
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap">
      <StageBadge stage={from} />
      <span aria-hidden="true" className="text-slate-400 dark:text-slate-500">
        →
      </span>
      <span className="sr-only">to</span>
      <StageBadge stage={to} />
    </span>
  );
}
