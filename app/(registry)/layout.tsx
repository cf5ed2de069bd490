import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { getPageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";

// Every page here reads the session and the database: never prerender.
export const dynamic = "force-dynamic";

export default async function RegistryLayout({ children }: { children: ReactNode }) {
  // The shell only shows who is signed in; each page enforces sign-in itself (requirePageActor).
  const actor = await getPageActor();
  return (
    <AppShell actor={actor} canManageUsers={can(actor, "users.manage")} canManageWebhooks={can(actor, "webhooks.manage")}>
      {children}
    </AppShell>
  );
}
