"use client";
// Copies a value to the clipboard. The async Clipboard API only exists in secure contexts, and a
// self-hosted registry is often reached over plain http on an internal host, so fall back to the
// legacy selection-based copy there.
import { useEffect, useState } from "react";
import { cn } from "./cn";
import { CheckIcon, CopyIcon } from "./icons";

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}

export function CopyButton({ value, label = "Copy", className, showText = false }: { value: string; label?: string; className?: string; showText?: boolean }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 1800);
    return () => clearTimeout(timer);
  }, [state]);
  const text = state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label;
  return (
    <button
      type="button"
      onClick={async () => setState((await copyText(value)) ? "copied" : "failed")}
      className={cn(
        "inline-flex shrink-0 items-center gap-1 rounded-md p-1 text-slate-500 dark:text-slate-400 transition-colors hover:bg-slate-100 dark:hover:bg-slate-800 hover:text-slate-700 dark:hover:text-slate-100",
        "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500",
        showText && "px-2 text-xs font-medium text-slate-600 dark:text-slate-400 ring-1 ring-slate-300 dark:ring-slate-600 ring-inset",
        state === "copied" && "text-emerald-600 dark:text-emerald-400 hover:text-emerald-600 dark:hover:text-emerald-200",
        className,
      )}
      aria-label={showText ? undefined : text}
      title={text}
    >
      {state === "copied" ? <CheckIcon className="size-3.5" /> : <CopyIcon className="size-3.5" />}
      {showText ? <span>{text}</span> : null}
      <span className="sr-only" aria-live="polite">
        {state === "copied" ? "Copied to clipboard" : state === "failed" ? "Copy failed" : ""}
      </span>
    </button>
  );
}
