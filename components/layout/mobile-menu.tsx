"use client";
// The header on a phone: one Menu button that discloses the sections and the account links (the
// desktop nav and user menu do not fit in 390 px). A real <button> with aria-expanded/aria-controls,
// so it is announced and operated like any disclosure; Escape closes it and returns focus to it,
// and it closes on navigation.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { SignOutButton } from "../auth/sign-out-button";
import { cn } from "../ui/cn";
import { CloseIcon, MenuIcon } from "../ui/icons";
import { isActive, type NavItem } from "./main-nav";

const item =
  "block rounded-md px-3 py-2.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:bg-slate-800";

export function MobileMenu({
  nav,
  email,
  role,
  canManageUsers = false,
  canManageWebhooks = false,
  hasPassword = true,
}: {
  /** The sections this person sees (the shell filters mainNav by permission). */
  nav: NavItem[];
  email?: string;
  role?: string;
  canManageUsers?: boolean;
  canManageWebhooks?: boolean;
  hasPassword?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname() ?? "/";
  const [seenPath, setSeenPath] = useState(pathname);
  if (seenPath !== pathname) {
    // A followed link closes the menu (state derived from the route, not set in an effect).
    setSeenPath(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className="md:hidden">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls="mobile-menu"
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-200 dark:ring-slate-600 dark:hover:bg-slate-800"
      >
        {open ? <CloseIcon className="size-4" /> : <MenuIcon className="size-4" />}
        Menu
      </button>
      <div
        id="mobile-menu"
        hidden={!open}
        className="absolute inset-x-0 top-full border-b border-slate-200 bg-white px-4 pt-2 pb-4 shadow-lg dark:border-slate-700 dark:bg-slate-900"
      >
        {/* Rendered only while open: a closed menu leaves no second copy of the account links in the page. */}
        {open ? (
          <>
            <nav aria-label="Main (menu)">
              <ul className="space-y-0.5">
                {nav.map((n) => (
                  <li key={n.href}>
                    <Link
                      href={n.href}
                      aria-current={isActive(pathname, n.match, n.href) ? "page" : undefined}
                      className={cn(item, isActive(pathname, n.match, n.href) && "bg-indigo-50 text-indigo-800 dark:bg-indigo-400/10 dark:text-indigo-200")}
                    >
                      {n.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            {email ? (
              <div className="mt-2 border-t border-slate-200 pt-2 dark:border-slate-700">
                <p className="truncate px-3 py-1 text-sm font-medium text-slate-900 dark:text-slate-100">{email}</p>
                <p className="px-3 pb-1 text-xs text-slate-600 dark:text-slate-400">Role: {role}</p>
                <Link href="/settings/tokens" className={item}>
                  API tokens
                </Link>
                {hasPassword ? (
                  <Link href="/account/password" className={item}>
                    Change password
                  </Link>
                ) : null}
                {canManageUsers ? (
                  <Link href="/settings/users" className={item}>
                    Users
                  </Link>
                ) : null}
                {canManageWebhooks ? (
                  <Link href="/settings/webhooks" className={item}>
                    Webhooks
                  </Link>
                ) : null}
                <SignOutButton className={cn(item, "w-full text-left")} />
              </div>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
