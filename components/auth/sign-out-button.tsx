"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";

/** Ends the session, then goes to the sign-in page (a full load, so no signed-in page stays cached). */
export function SignOutButton({ className }: { className?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      className={className}
      onClick={async () => {
        setBusy(true);
        await signOut({ redirect: false });
        window.location.assign("/login");
      }}
    >
      {busy ? "Signing out…" : "Sign out"}
    </button>
  );
}
