// Who decided on a request: reviewer, decision, when, their comment, the manifest digest they signed
// off (shortened, full value on hover and copy) and whether the approval counts now — with the reason
// when it does not (another digest, the uploader, a role that no longer reviews).
import type { PromotionView } from "@/lib/promotion/views";
import { Digest } from "../ui/digest";
import { CheckCircleIcon, XCircleIcon } from "../ui/icons";
import { Time } from "../ui/time";

type Approval = PromotionView["approvals"][number];

function whyNot(a: Approval, manifestDigest: string): string {
  if (a.decision === "reject") return "Rejection";
  if (a.manifestDigest !== manifestDigest) return "Does not count: signed another digest";
  return "Does not count: the reviewer no longer holds a reviewing role, or uploaded the version";
}

export function ApprovalList({ approvals, manifestDigest, required }: { approvals: readonly Approval[]; manifestDigest: string; required?: number }) {
  if (!approvals.length)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        No reviewer has decided yet{required ? `; ${required} approval${required === 1 ? " is" : "s are"} needed` : ""}.
      </p>
    );
  return (
    <ol aria-label="Decisions so far" className="space-y-4">
      {approvals.map((a) => (
        <li key={a.id} className="text-sm" data-decision={a.decision}>
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            {a.decision === "approve" ? (
              <span className="inline-flex items-center gap-1 font-semibold text-emerald-700 dark:text-emerald-300">
                <CheckCircleIcon className="size-4" />
                Approved
              </span>
            ) : (
              <span className="inline-flex items-center gap-1 font-semibold text-red-700 dark:text-red-300">
                <XCircleIcon className="size-4" />
                Rejected
              </span>
            )}
            <span className="font-medium break-all text-slate-900 dark:text-slate-100">{a.user.name || a.user.email}</span>
            <span className="text-slate-500 dark:text-slate-400">
              <Time iso={a.createdAt} />
            </span>
          </div>
          {a.user.name && a.user.name !== a.user.email ? <p className="text-xs break-all text-slate-500 dark:text-slate-400">{a.user.email}</p> : null}
          {a.comment ? (
            <blockquote className="mt-1.5 border-l-2 border-slate-200 pl-3 whitespace-pre-line text-slate-700 dark:border-slate-700 dark:text-slate-300">{a.comment}</blockquote>
          ) : null}
          <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
            <span className="inline-flex items-center gap-1">
              Signed <Digest value={a.manifestDigest} prefix="sha256:" chars={12} />
            </span>
            <span className={a.counts ? "font-medium text-emerald-700 dark:text-emerald-300" : "font-medium text-slate-600 dark:text-slate-400"}>
              {a.counts ? "Counts toward the request" : whyNot(a, manifestDigest)}
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
}
