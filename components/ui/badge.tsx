import type { ReactNode } from "react";
import { cn } from "./cn";

export type BadgeTone = "neutral" | "indigo" | "green" | "amber" | "red" | "blue" | "violet";

const tones: Record<BadgeTone, string> = {
  neutral: "bg-slate-100 dark:bg-slate-800 text-slate-700 dark:text-slate-300 ring-slate-500/20 dark:ring-slate-400/30",
  indigo: "bg-indigo-50 dark:bg-indigo-400/10 text-indigo-700 dark:text-indigo-300 ring-indigo-600/20 dark:ring-indigo-400/30",
  green: "bg-emerald-50 dark:bg-emerald-400/10 text-emerald-700 dark:text-emerald-300 ring-emerald-600/20 dark:ring-emerald-400/30",
  amber: "bg-amber-50 dark:bg-amber-400/10 text-amber-800 dark:text-amber-300 ring-amber-600/25 dark:ring-amber-400/30",
  red: "bg-red-50 dark:bg-red-400/10 text-red-700 dark:text-red-300 ring-red-600/20 dark:ring-red-400/30",
  blue: "bg-sky-50 dark:bg-sky-400/10 text-sky-700 dark:text-sky-300 ring-sky-600/20 dark:ring-sky-400/30",
  violet: "bg-violet-50 dark:bg-violet-400/10 text-violet-700 dark:text-violet-300 ring-violet-600/20 dark:ring-violet-400/30",
};

export function Badge({ tone = "neutral", children, className, title }: { tone?: BadgeTone; children: ReactNode; className?: string; title?: string }) {
  return (
    <span
      title={title}
      className={cn("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", tones[tone], className)}
    >
      {children}
    </span>
  );
}

/** A dot + label, for statuses inside dense tables. */
export function StatusDot({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  const dot: Record<BadgeTone, string> = {
    neutral: "bg-slate-400 dark:bg-slate-500",
    indigo: "bg-indigo-500",
    green: "bg-emerald-500",
    amber: "bg-amber-500",
    red: "bg-red-500",
    blue: "bg-sky-500",
    violet: "bg-violet-500",
  };
  return (
    <span className="inline-flex items-center gap-1.5 text-sm whitespace-nowrap text-slate-700 dark:text-slate-300">
      <span aria-hidden="true" className={cn("size-1.5 rounded-full", dot[tone])} />
      {children}
    </span>
  );
}
