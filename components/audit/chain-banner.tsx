import type { ChainVerification } from "@/lib/audit/verify-chain";
import { Alert } from "../ui/alert";
import { Digest } from "../ui/digest";

export function ChainBanner({ result }: { result: ChainVerification }) {
  if (result.ok)
    return (
      <Alert tone="success" role="status" title={`Audit chain verified: ${result.events.toLocaleString("en")} event${result.events === 1 ? "" : "s"} intact`}>
        <span className="inline-flex flex-wrap items-center gap-2">
          Every event&apos;s hash was recomputed from its contents and its predecessor. Head:
          <Digest value={result.head} chars={16} />
        </span>
      </Alert>
    );
  return (
    <Alert tone="danger" role="alert" title={`Audit chain broken at seq ${result.brokenAt.seq}`}>
      {result.brokenAt.reason}. The {result.events.toLocaleString("en")} event{result.events === 1 ? "" : "s"} before it verify; this event and
      everything after it can no longer be trusted. Event id <code className="font-mono text-xs">{result.brokenAt.id}</code>.
    </Alert>
  );
}
