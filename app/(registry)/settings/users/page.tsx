import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Forbidden } from "@/components/ui/forbidden";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { RowHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { CreateUserForm } from "@/components/users/create-user-form";
import { UserRowActions } from "@/components/users/user-row-actions";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { roles } from "@/lib/auth/roles";
import { listUsers, MIN_PASSWORD_LENGTH } from "@/lib/auth/users";
import { getServices } from "@/lib/server/services";
import { listSearchParams, orFirstPage, type SearchParams } from "../../../_lib/page-helpers";
import { createUserAction, updateUserAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor("/settings/users");
  if (!can(actor, "users.manage"))
    return <Forbidden title="Users are managed by admins">Ask an admin to change roles, disable accounts or reset passwords.</Forbidden>;
  const { cursor } = listSearchParams.parse(await searchParams);
  const { prisma } = await getServices();
  const page = await orFirstPage(listUsers(prisma, { actor, limit: 100, cursor }), "/settings/users");

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Settings" }, { label: "Users" }]}
        title="Users"
        description="Roles decide what people may do; disabling, demoting or resetting a password ends their sessions and API tokens at once. The last active admin cannot be disabled or demoted."
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <Card aria-labelledby="users-heading" className="min-w-0">
          <CardHeader id="users-heading" title="People" description="Every change is recorded in the audit log." />
          <Table caption="Users">
            <THead>
              <TH>User</TH>
              <TH>Role</TH>
              <TH>Status</TH>
              <TH>Created</TH>
              <TH>
                <span className="sr-only">Actions</span>
              </TH>
            </THead>
            <TBody>
              {page.items.map((u) => (
                <TR key={u.id}>
                  <RowHeader>
                    <span className="block font-medium text-slate-900 dark:text-slate-100">{u.email}</span>
                    <span className="block text-xs text-slate-500 dark:text-slate-400">{u.name}</span>
                  </RowHeader>
                  <TD>
                    <Badge tone={u.role === "admin" ? "red" : u.role === "reviewer" ? "violet" : u.role === "contributor" ? "indigo" : "neutral"}>{u.role}</Badge>
                    {u.roleManagedBy ? (
                      <span id={`role-source-${u.id}`} className="mt-1 block text-xs text-slate-500 dark:text-slate-400">
                        set by {u.roleManagedBy === "github" ? "GitHub" : "your identity provider"}
                      </span>
                    ) : null}
                  </TD>
                  <TD>
                    {u.disabledAt ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}
                    {u.mustChangePassword ? (
                      <Badge tone="amber" className="ml-1">
                        must change password
                      </Badge>
                    ) : null}
                  </TD>
                  <TD className="text-slate-500 dark:text-slate-400">
                    <Time iso={u.createdAt} />
                  </TD>
                  <TD className="text-right">
                    <UserRowActions
                      user={{ id: u.id, email: u.email, role: u.role, disabled: Boolean(u.disabledAt) }}
                      roles={roles}
                      readOnlyRole={u.roleManagedBy ? `The role comes from ${u.roleManagedBy === "github" ? "GitHub" : "the identity provider"}'s group mapping; change it there.` : undefined}
                      change={updateUserAction}
                    />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
          <CursorPagination basePath="/settings/users" nextCursor={page.nextCursor} isFirstPage={!cursor} shown={page.items.length} noun="users" />
        </Card>
        <Card aria-labelledby="new-user-heading" className="min-w-0 self-start">
          <CardHeader id="new-user-heading" title="Add a user" />
          <CardBody>
            <CreateUserForm action={createUserAction} roles={roles} minPassword={MIN_PASSWORD_LENGTH} />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
