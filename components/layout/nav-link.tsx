"use client";
// A top-nav link that knows whether it is the current section (aria-current for screen readers,
// an underline for everyone else).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "../ui/cn";
import { isActive, type NavMatch } from "./main-nav";

export function NavLink({ href, children, match }: { href: string; children: React.ReactNode; match: NavMatch }) {
  const pathname = usePathname() ?? "/";
  const active = isActive(pathname, match, href);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        "relative inline-flex h-14 items-center px-1 text-sm font-medium transition-colors",
        "focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-500",
        active ? "text-slate-900 dark:text-slate-100" : "text-slate-500 dark:text-slate-400 hover:text-slate-900 dark:hover:text-slate-100",
      )}
    >
      {children}
      <span aria-hidden="true" className={cn("absolute inset-x-0 bottom-0 h-0.5 rounded-full", active ? "bg-indigo-600" : "bg-transparent")} />
    </Link>
  );
}
