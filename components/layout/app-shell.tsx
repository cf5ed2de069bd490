// The frame of every signed-in page: skip link, top navigation, user menu, main landmark.
import Link from "next/link";
import type { ReactNode } from "react";
import type { Actor } from "@/lib/auth/roles";
import { CubeIcon } from "../ui/icons";
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
  return (
    <div className="flex min-h-screen flex-col">
      {/* Off-screen until focused (the first Tab on every page), then slides into view. */}
      <a
        href="#main"
        className="fixed top-2 left-2 z-50 -translate-y-20 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-lg transition-transform focus:translate-y-0 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-800"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4 sm:gap-8 sm:px-6 lg:px-8">
          <Link href="/" className="flex items-center gap-2 rounded-md font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500">
            <span className="flex size-7 items-center justify-center rounded-md bg-indigo-600 text-white">
              <CubeIcon className="size-4.5" />
            </span>
            <span className="sr-only sm:not-sr-only">Model Registry</span>
          </Link>
          {/* On a phone the links scroll sideways inside the bar rather than widening the page. */}
          <nav aria-label="Main" className="relative flex min-w-0 flex-1 items-center overflow-x-auto">
            <ul className="flex items-center gap-4 whitespace-nowrap sm:gap-6">
              <li>
                <NavLink href="/" match={["/", "/models"]}>
                  Models
                </NavLink>
              </li>
              <li>
                <NavLink href="/audit" match="prefix">
                  Audit
                </NavLink>
              </li>
              <li>
                <NavLink href="/api-docs" match="prefix">
                  API reference
                </NavLink>
              </li>
              <li>
                <NavLink href="/settings/tokens" match={["/settings"]}>
                  Settings
                </NavLink>
              </li>
            </ul>
          </nav>
          {actor ? <UserMenu email={actor.email} role={actor.role} canManageUsers={canManageUsers} canManageWebhooks={canManageWebhooks} hasPassword={!("hasPassword" in actor) || actor.hasPassword !== false} /> : null}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 focus:outline-none sm:px-6 lg:px-8">
        {children}
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-xs text-slate-500 sm:px-6 lg:px-8">
          <span>Model Registry · immutable, signed, audited model versions</span>
          <span className="flex gap-4">
            <a href="/api/v1/openapi.json" className="hover:text-slate-800 hover:underline">
              openapi.json
            </a>
            <a href="/api/v1/health" className="hover:text-slate-800 hover:underline">
              Health
            </a>
          </span>
        </div>
      </footer>
    </div>
  );
}
