import type { ReactNode } from "react";
import { cn } from "./cn";
import { AlertIcon, InfoIcon, ShieldCheckIcon } from "./icons";

type Tone = "success" | "danger" | "warning" | "info";

const tones: Record<Tone, { box: string; icon: string; Icon: typeof InfoIcon }> = {
  success: { box: "bg-emerald-50 ring-emerald-600/20 text-emerald-900", icon: "text-emerald-600", Icon: ShieldCheckIcon },
  danger: { box: "bg-red-50 ring-red-600/20 text-red-900", icon: "text-red-600", Icon: AlertIcon },
  warning: { box: "bg-amber-50 ring-amber-600/25 text-amber-900", icon: "text-amber-600", Icon: AlertIcon },
  info: { box: "bg-sky-50 ring-sky-600/20 text-sky-900", icon: "text-sky-600", Icon: InfoIcon },
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
