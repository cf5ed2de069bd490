// The frame of every signed-in page: skip link, top navigation, user menu, main landmark.
import Link from "next/link";
import type { ReactNode } from "react";
import { can } from "@/lib/auth/permissions";
import type { Actor } from "@/lib/auth/roles";
import { CubeIcon } from "../ui/icons";
import { mainNav } from "./main-nav";
import { MobileMenu } from "./mobile-menu";
import { NavLink } from "./nav-link";
import { UserMenu } from "./user-menu";

export function AppShell({
  actor,
  canManageUsers = false,
  canManageWebhooks = false,
  children,
}: {
  actor: Actor | undefined;
  canManageUsers?: boolean;
  canManageWebhooks?: boolean;
  children: ReactNode;
}) {
  const hasPassword = actor ? !("hasPassword" in actor) || actor.hasPassword !== false : true;
  const nav = mainNav.filter((n) => !n.requires || can(actor, n.requires));
  return (
    <div className="flex min-h-screen flex-col">
      {/* Off-screen until focused (the first Tab on every page), then slides into view. */}
      <a
        href="#main"
        className="fixed top-2 left-2 z-50 -translate-y-20 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-lg transition-transform focus:translate-y-0 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-800"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-10 border-b border-slate-200 dark:border-slate-700 bg-white/95 dark:bg-slate-900/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4 sm:gap-8 sm:px-6 lg:px-8">
          <Link href="/" className="flex items-center gap-2 rounded-md font-semibold text-slate-900 dark:text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500">
            <span className="flex size-7 items-center justify-center rounded-md bg-indigo-600 text-white">
              <CubeIcon className="size-4.5" />
            </span>
            <span className="sr-only sm:not-sr-only">Model Registry</span>
          </Link>
          {/* From md up the sections sit in the bar; below that they move into the Menu disclosure. */}
          <nav aria-label="Main" className="hidden min-w-0 flex-1 items-center md:flex">
            <ul className="flex items-center gap-6 whitespace-nowrap">
              {nav.map((n) => (
                <li key={n.href}>
                  <NavLink href={n.href} match={n.match}>
                    {n.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="flex-1 md:hidden" />
          {actor ? (
            <div className="hidden md:block">
              <UserMenu email={actor.email} role={actor.role} canManageUsers={canManageUsers} canManageWebhooks={canManageWebhooks} hasPassword={hasPassword} />
            </div>
          ) : null}
          <MobileMenu nav={nav} email={actor?.email} role={actor?.role} canManageUsers={canManageUsers} canManageWebhooks={canManageWebhooks} hasPassword={hasPassword} />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 focus:outline-none sm:px-6 lg:px-8">
        {children}
      </main>
      <footer className="border-t border-slate-200 dark:border-slate-700 bg-white dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-xs text-slate-500 dark:text-slate-400 sm:px-6 lg:px-8">
          <span>Model Registry · immutable, signed, audited model versions</span>
          <span className="flex gap-4">
            <a href="/api/v1/openapi.json" className="hover:text-slate-800 dark:hover:text-slate-100 hover:underline">
              openapi.json
            </a>
            <a href="/api/v1/health" className="hover:text-slate-800 dark:hover:text-slate-100 hover:underline">
              Health
            </a>
          </span>
        </div>
      </footer>
    </div>
  );
}
