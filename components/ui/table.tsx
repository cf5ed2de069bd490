// Semantic tables (caption, th scope) in a horizontally scrollable frame (scroll-frame.tsx), so wide
// tables never widen the page on small screens and say when there is more to the side.
import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";
import { ScrollFrame } from "./scroll-frame";

export function Table({ caption, children, className }: { caption: string; children: ReactNode; className?: string }) {
  return (
    <ScrollFrame label={caption} className={className}>
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </ScrollFrame>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="border-b border-slate-200 dark:border-slate-700 bg-slate-50/80 dark:bg-slate-800/40 text-xs font-medium tracking-wide text-slate-500 dark:text-slate-400 uppercase">
      <tr>{children}</tr>
    </thead>
  );
}

export function TH({ children, className, ...props }: ComponentProps<"th">) {
  return (
    <th scope="col" className={cn("px-4 py-2.5 font-medium whitespace-nowrap first:pl-5 last:pr-5", className)} {...props}>
      {children}
    </th>
  );
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>;
}

export function TR({ children, className }: { children: ReactNode; className?: string }) {
  return <tr className={cn("align-top transition-colors hover:bg-slate-50/70 dark:hover:bg-slate-800", className)}>{children}</tr>;
}

export function TD({ children, className, ...props }: ComponentProps<"td">) {
  return (
    <td className={cn("px-4 py-3 text-slate-700 dark:text-slate-300 first:pl-5 last:pr-5", className)} {...props}>
      {children}
    </td>
  );
}

/** A row header cell: the cell that names the row (screen readers announce it for each cell). */
export function RowHeader({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <th scope="row" className={cn("px-4 py-3 text-left font-medium text-slate-900 dark:text-slate-100 first:pl-5", className)}>
      {children}
    </th>
  );
}
