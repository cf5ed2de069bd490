"use client";
// The signed-in person, their role, and the way out. A native <details> disclosure: it opens even
// before the page has hydrated and is keyboard-operable out of the box (Enter/Space on the
// summary); script only adds closing on Escape and on a click outside.
import Link from "next/link";
import { useEffect, useRef } from "react";
import { SignOutButton } from "../auth/sign-out-button";
import { ChevronDownIcon } from "../ui/icons";

export function UserMenu({
  email,
  role,
  canManageUsers = false,
  canManageWebhooks = false,
  hasPassword = true,
}: {
  email: string;
  role: string;
  canManageUsers?: boolean;
  canManageWebhooks?: boolean;
  hasPassword?: boolean;
}) {
  const root = useRef<HTMLDetailsElement>(null);

  useEffect(() => {
    const details = root.current;
    if (!details) return;
    const onClick = (e: MouseEvent) => {
      if (details.open && !details.contains(e.target as Node)) details.open = false;
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary")?.focus();
      }
    };
    document.addEventListener("mousedown", onClick);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onClick);
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  const close = () => {
    if (root.current) root.current.open = false;
  };

  return (
    <details ref={root} className="group relative">
      <summary
        className="flex cursor-pointer list-none items-center gap-2 rounded-full py-1 pr-2 pl-1 text-sm text-slate-700 dark:text-slate-300 hover:bg-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500 [&::-webkit-details-marker]:hidden"
      >
        <span aria-hidden="true" className="flex size-7 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white">
          {email.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden max-w-48 truncate sm:inline">{email}</span>
        <span className="sr-only">Account menu</span>
        <ChevronDownIcon className="size-4 text-slate-500 dark:text-slate-400 transition-transform group-open:rotate-180" />
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-64 rounded-lg bg-white dark:bg-slate-900 p-1 shadow-lg ring-1 ring-slate-200 dark:ring-slate-700">
        <div className="border-b border-slate-100 dark:border-slate-800 px-3 py-2.5">
          <p className="truncate text-sm font-medium text-slate-900 dark:text-slate-100">{email}</p>
          <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
            Role: <span className="font-medium text-slate-700 dark:text-slate-300">{role}</span>
          </p>
        </div>
        <div className="py-1">
          <Link
            href="/settings/tokens"
            onClick={close}
            className="block rounded-md px-3 py-2 text-sm text-slate-700 dark:text-slate-300 hover:bg-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            API tokens
          </Link>
          {hasPassword ? (
            <Link
              href="/account/password"
              onClick={close}
              className="block rounded-md px-3 py-2 text-sm text-slate-700 dark:text-slate-300 hover:bg-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              Change password
            </Link>
          ) : null}
          {canManageUsers ? (
            <Link
              href="/settings/users"
              onClick={close}
              className="block rounded-md px-3 py-2 text-sm text-slate-700 dark:text-slate-300 hover:bg-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              Users
            </Link>
          ) : null}
          {canManageWebhooks ? (
            <Link
              href="/settings/webhooks"
              onClick={close}
              className="block rounded-md px-3 py-2 text-sm text-slate-700 dark:text-slate-300 hover:bg-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              Webhooks
            </Link>
          ) : null}
          <SignOutButton className="w-full rounded-md px-3 py-2 text-left text-sm text-slate-700 dark:text-slate-300 hover:bg-slate-100 dark:hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500" />
        </div>
      </div>
    </details>
  );
}
