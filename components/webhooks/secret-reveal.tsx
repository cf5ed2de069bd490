"use client";
// A webhook signing secret, shown once: the server never shows it again (only its ciphertext is
// stored), so it lives only in the component's state until the person dismisses it.
import { useEffect, useRef } from "react";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";

export function SecretReveal({ title, secret, onDismiss, children }: { title: string; secret: string; onDismiss: () => void; children?: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [secret]);
  const inputId = `secret-${secret.slice(-8).replace(/[^A-Za-z0-9]/g, "")}`;
  return (
    <div ref={ref} tabIndex={-1} className="rounded-xl bg-emerald-50 p-5 ring-1 ring-emerald-600/25 ring-inset focus:outline-none" aria-label={title}>
      <p className="text-sm font-semibold text-emerald-900">{title}</p>
      <p className="mt-1 text-sm text-emerald-900" role="status">
        <strong>Copy the signing secret now: it won&apos;t be shown again.</strong> Give it to the receiver, which uses it to verify the{" "}
        <code className="font-mono text-xs">webhook-signature</code> header. Lost it? Rotate the secret.
      </p>
      <div className="mt-3 flex max-w-3xl items-center gap-2 rounded-md bg-white px-3 py-2 ring-1 ring-emerald-600/30">
        <label htmlFor={inputId} className="sr-only">
          Signing secret
        </label>
        <input
          id={inputId}
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 bg-transparent font-mono text-sm text-slate-900 focus:outline-none"
          data-testid="webhook-secret"
        />
        <CopyButton value={secret} label="Copy secret" showText />
      </div>
      {children}
      <Button variant="secondary" size="sm" className="mt-3" onClick={onDismiss}>
        I have copied it
      </Button>
    </div>
  );
}
