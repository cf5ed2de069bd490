import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getPageActor } from "@/app/_lib/next-auth";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/users";
import { changePasswordAction } from "./actions";

export const metadata: Metadata = { title: "Change password" };

export default async function ChangePasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeCallbackPath((await searchParams).callbackUrl);
  // getPageActor, not requirePageActor: a forced password change redirects here.
  const actor = await getPageActor();
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent("/account/password")}`);
  return (
    <>
      <PageHeader title="Change password" description={`Signed in as ${actor.email}. Your other browser sessions end when you change it; API tokens stay valid.`} />
      <Card>
        <CardBody className="space-y-5">
          {!actor.hasPassword ? (
            <Alert tone="info" title="This account has no password">
              You sign in through single sign-on; your identity provider manages your credentials. An administrator can give the account a password if you need one.
            </Alert>
          ) : actor.mustChangePassword ? (
            <Alert tone="warning" title="Choose a new password before you continue">
              Your password was generated at first start or reset by an admin.
            </Alert>
          ) : null}
          {actor.hasPassword ? <ChangePasswordForm action={changePasswordAction} next={next} minLength={MIN_PASSWORD_LENGTH} /> : null}
        </CardBody>
      </Card>
    </>
  );
}
