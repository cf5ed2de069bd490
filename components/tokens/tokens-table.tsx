import type { ApiTokenView } from "@/lib/auth/tokens";
import { Badge } from "../ui/badge";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { Time } from "../ui/time";
import type { RevokeTokenState } from "./token-form-state";
import { RevokeTokenButton } from "./revoke-token-button";

function tokenState(t: ApiTokenView, now: number): "active" | "revoked" | "expired" {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now) return "expired";
  return "active";
}

export function TokensTable({ tokens, revoke }: { tokens: ApiTokenView[]; revoke: (id: string) => Promise<RevokeTokenState> }) {
  const now = Date.now();
  return (
    <Table caption="Your API tokens">
      <THead>
        <TH>Name</TH>
        <TH>Token</TH>
        <TH>Scopes</TH>
        <TH>Created</TH>
        <TH>Last used</TH>
        <TH>Expires</TH>
        <TH>Status</TH>
        <TH>
          <span className="sr-only">Actions</span>
        </TH>
      </THead>
      <TBody>
        {tokens.map((t) => {
          const state = tokenState(t, now);
          return (
            <TR key={t.id} className={state === "active" ? undefined : "text-slate-500 dark:text-slate-400"}>
              <RowHeader className={state === "active" ? undefined : "text-slate-500 dark:text-slate-400"}>{t.name}</RowHeader>
              <TD>
                <code className="rounded bg-slate-100 dark:bg-slate-800 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:text-slate-300">{t.prefix}…</code>
              </TD>
              <TD>
                <ul className="flex flex-wrap gap-1" aria-label="Scopes">
                  {t.scopes.map((s) => (
                    <li key={s}>
                      <Badge tone={s === "admin" ? "red" : s === "review" ? "violet" : s === "write" ? "indigo" : "neutral"} className="font-mono">
                        {s}
                      </Badge>
                    </li>
                  ))}
                </ul>
              </TD>
              <TD className="text-slate-500 dark:text-slate-400">
                <Time iso={t.createdAt} />
              </TD>
              <TD className="text-slate-500 dark:text-slate-400">{t.lastUsedAt ? <Time iso={t.lastUsedAt} /> : <span className="text-slate-500 dark:text-slate-400">never</span>}</TD>
              <TD className="text-slate-500 dark:text-slate-400">{t.expiresAt ? <Time iso={t.expiresAt} /> : <span className="text-slate-500 dark:text-slate-400">never</span>}</TD>
              <TD>
                {state === "active" ? (
                  <Badge tone="green">active</Badge>
                ) : state === "revoked" ? (
                  <Badge tone="red" title={t.revokedAt ?? undefined}>
                    revoked
                  </Badge>
                ) : (
                  <Badge tone="amber">expired</Badge>
                )}
              </TD>
              <TD className="text-right">{state === "active" ? <RevokeTokenButton id={t.id} name={t.name} prefix={t.prefix} action={revoke} /> : null}</TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
