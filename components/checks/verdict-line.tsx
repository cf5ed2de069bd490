// The version page's verdict sentence: icon + words (never colour alone), e.g. "Blocked: fairness
// failed — sex: equalized odds difference 0.21 > 0.1".
import type { ChecksSummary } from "@/lib/checks/list-check-runs";
import { cn } from "../ui/cn";
import { CheckCircleIcon, MinusCircleIcon, SpinnerIcon, XCircleIcon } from "../ui/icons";
import { verdictSentence, type VerdictTone } from "./verdict-sentence";

const look: Record<VerdictTone, { Icon: typeof CheckCircleIcon; className: string }> = {
  pass: { Icon: CheckCircleIcon, className: "text-emerald-800 dark:text-emerald-300" },
  fail: { Icon: XCircleIcon, className: "text-red-800 dark:text-red-300" },
  pending: { Icon: SpinnerIcon, className: "text-indigo-800 dark:text-indigo-300" },
  none: { Icon: MinusCircleIcon, className: "text-slate-700 dark:text-slate-300" },
};

export function VerdictLine({ checks }: { checks: ChecksSummary }) {
  const sentence = verdictSentence(checks);
  const { Icon, className } = look[sentence.tone];
  return (
    <p className={cn("flex items-start gap-2 text-base", className)} data-testid="verdict-sentence" data-tone={sentence.tone}>
      <Icon className="mt-0.5 size-5 shrink-0" />
      <span className="min-w-0 break-words">
        <strong className="font-semibold">{sentence.lead}</strong>
        {sentence.detail ? <span className="text-slate-700 dark:text-slate-300"> — {sentence.detail}</span> : null}
      </span>
    </p>
  );
}
