import type { ChainVerification, LegacyNumbering } from "@/lib/audit/verify-chain";
import { Alert } from "../ui/alert";
import { Digest } from "../ui/digest";

const plural = (n: number, noun: string) => `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;

export function ChainBanner({ result }: { result: ChainVerification }) {
  if (result.ok)
    return (
      <Alert tone="success" role="status" title={`Audit chain verified: ${plural(result.events, "event")} intact`}>
        <p className="inline-flex flex-wrap items-center gap-2">
          Every event&apos;s hash was recomputed from its contents and its predecessor, and the numbering has no gaps
          {result.legacy ? ` after seq ${result.legacy.lastSeq}` : ""}. Head:
          <Digest value={result.head} chars={16} />
        </p>
        {result.legacy ? <LegacyNote legacy={result.legacy} /> : null}
      </Alert>
    );
  return (
    <Alert tone="danger" role="alert" title={`Audit chain broken at seq ${result.brokenAt.seq}`}>
      <p>
        {result.brokenAt.reason}. The {plural(result.events, "event")} before it verify; this event and everything after it can no longer be trusted. Event id{" "}
        <code className="font-mono text-xs">{result.brokenAt.id}</code>.
      </p>
      {result.legacy ? <LegacyNote legacy={result.legacy} /> : null}
    </Alert>
  );
}

/** Why the oldest events' numbers jump: they predate gapless numbering (the API's `legacy.note`). */
function LegacyNote({ legacy }: { legacy: LegacyNumbering }) {
  return <p className="mt-2">{legacy.note}</p>;
}
