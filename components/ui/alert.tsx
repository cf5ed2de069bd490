import type { ReactNode } from "react";
import { cn } from "./cn";
import { AlertIcon, InfoIcon, ShieldCheckIcon } from "./icons";

type Tone = "success" | "danger" | "warning" | "info";

const tones: Record<Tone, { box: string; icon: string; Icon: typeof InfoIcon }> = {
  success: { box: "bg-emerald-50 dark:bg-emerald-400/10 ring-emerald-600/20 dark:ring-emerald-400/30 text-emerald-900 dark:text-emerald-300", icon: "text-emerald-600 dark:text-emerald-400", Icon: ShieldCheckIcon },
  danger: { box: "bg-red-50 dark:bg-red-400/10 ring-red-600/20 dark:ring-red-400/30 text-red-900 dark:text-red-300", icon: "text-red-600 dark:text-red-400", Icon: AlertIcon },
  warning: { box: "bg-amber-50 dark:bg-amber-400/10 ring-amber-600/25 dark:ring-amber-400/30 text-amber-900 dark:text-amber-300", icon: "text-amber-600 dark:text-amber-400", Icon: AlertIcon },
  info: { box: "bg-sky-50 dark:bg-sky-400/10 ring-sky-600/20 dark:ring-sky-400/30 text-sky-900 dark:text-sky-300", icon: "text-sky-600 dark:text-sky-400", Icon: InfoIcon },
};

export function Alert({ tone, title, children, role, className }: { tone: Tone; title: ReactNode; children?: ReactNode; role?: "status" | "alert"; className?: string }) {
  const { box, icon, Icon } = tones[tone];
  return (
    <div role={role} className={cn("flex gap-3 rounded-lg px-4 py-3 ring-1 ring-inset", box, className)}>
      <Icon className={cn("mt-0.5 size-5 shrink-0", icon)} />
      <div className="min-w-0 text-sm">
        <p className="font-semibold">{title}</p>
        {children ? <div className="mt-0.5 opacity-90">{children}</div> : null}
      </div>
    </div>
  );
}
