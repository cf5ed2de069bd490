"use client";
// A horizontally scrolling frame for wide tables. While its content is wider than the frame it says
// so: edge shadows on the side that has more, a "scroll sideways" hint, and it becomes a focusable,
// named region so keyboard users can scroll it with the arrow keys (axe: scrollable-region-focusable).
// Positioned, so absolutely positioned content inside (sr-only labels) is clipped by it too instead of
// widening the page.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { cn } from "./cn";

export function ScrollFrame({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState({ overflowing: false, left: false, right: false });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const overflowing = el.scrollWidth > el.clientWidth + 1;
      const left = overflowing && el.scrollLeft > 1;
      const right = overflowing && el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
      setEdges((e) => (e.overflowing === overflowing && e.left === left && e.right === right ? e : { overflowing, left, right }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    el.addEventListener("scroll", measure, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener("scroll", measure);
    };
  }, []);

  return (
    <div className={cn("relative", className)}>
      <div
        ref={ref}
        className="relative overflow-x-auto focus-visible:outline-offset-[-2px]"
        {...(edges.overflowing ? { tabIndex: 0, role: "region", "aria-label": `${label} (scrolls sideways)` } : {})}
      >
        {children}
      </div>
      <div
        aria-hidden="true"
        className={cn(
          "pointer-events-none absolute inset-y-0 left-0 w-6 bg-linear-to-r from-slate-900/15 to-transparent transition-opacity dark:from-black/50",
          edges.left ? "opacity-100" : "opacity-0",
        )}
      />
      <div
        aria-hidden="true"
        className={cn(
          "pointer-events-none absolute inset-y-0 right-0 w-6 bg-linear-to-l from-slate-900/15 to-transparent transition-opacity dark:from-black/50",
          edges.right ? "opacity-100" : "opacity-0",
        )}
      />
      {edges.overflowing ? (
        <p aria-hidden="true" className="px-5 pt-1.5 pb-1 text-right text-xs text-slate-600 dark:text-slate-400">
          {edges.right ? "Scroll sideways for more →" : "← Scroll back"}
        </p>
      ) : null}
    </div>
  );
}
