// The request page's first words: the verdict as a sentence with an icon, in the tone of the
// outcome (blocked red, waiting amber, ready indigo, promoted green, closed grey). `children` carries
// the detail (what blocks it, the jump to the decision form).
import type { ReactNode } from "react";
import type { RequestTone } from "@/lib/promotion/describe-request";
import { cn } from "../ui/cn";
import { CheckCircleIcon, ClockIcon, MinusCircleIcon, ShieldCheckIcon, XCircleIcon } from "../ui/icons";

const tones: Record<RequestTone, { box: string; icon: string; Icon: typeof ClockIcon; word: string }> = {
  blocked: { box: "bg-red-50 ring-red-600/25 text-red-950 dark:bg-red-400/10 dark:ring-red-400/30 dark:text-red-100", icon: "text-red-600 dark:text-red-300", Icon: XCircleIcon, word: "Blocked" },
  waiting: { box: "bg-amber-50 ring-amber-600/25 text-amber-950 dark:bg-amber-400/10 dark:ring-amber-400/30 dark:text-amber-100", icon: "text-amber-600 dark:text-amber-300", Icon: ClockIcon, word: "Waiting" },
  ready: { box: "bg-indigo-50 ring-indigo-600/25 text-indigo-950 dark:bg-indigo-400/10 dark:ring-indigo-400/30 dark:text-indigo-100", icon: "text-indigo-600 dark:text-indigo-300", Icon: ShieldCheckIcon, word: "Ready" },
  approved: { box: "bg-emerald-50 ring-emerald-600/25 text-emerald-950 dark:bg-emerald-400/10 dark:ring-emerald-400/30 dark:text-emerald-100", icon: "text-emerald-600 dark:text-emerald-300", Icon: CheckCircleIcon, word: "Approved" },
  promoted: { box: "bg-emerald-50 ring-emerald-600/25 text-emerald-950 dark:bg-emerald-400/10 dark:ring-emerald-400/30 dark:text-emerald-100", icon: "text-emerald-600 dark:text-emerald-300", Icon: CheckCircleIcon, word: "Done" },
  closed: { box: "bg-slate-100 ring-slate-500/20 text-slate-900 dark:bg-slate-800 dark:ring-slate-600 dark:text-slate-100", icon: "text-slate-500 dark:text-slate-400", Icon: MinusCircleIcon, word: "Closed" },
};

export function VerdictBanner({ tone, headline, children, id = "verdict" }: { tone: RequestTone; headline: string; children?: ReactNode; id?: string }) {
  const t = tones[tone];
  return (
    <section aria-labelledby={id} className={cn("flex gap-3 rounded-xl px-5 py-4 ring-1 ring-inset", t.box)} data-tone={tone}>
      <t.Icon className={cn("mt-0.5 size-6 shrink-0", t.icon)} />
      <div className="min-w-0 flex-1">
        <h2 id={id} className="text-lg font-semibold">
          {headline}
        </h2>
        {children ? <div className="mt-1 space-y-2 text-sm opacity-95">{children}</div> : null}
      </div>
    </section>
  );
}
