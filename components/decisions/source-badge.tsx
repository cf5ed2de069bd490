// Where a decision was made: through the registry's predict endpoint, or by an external server that
// reported it. A word and an icon, never colour alone.
import { Badge } from "../ui/badge";
import { CubeIcon, ExternalIcon } from "../ui/icons";

export function SourceBadge({ source }: { source: "predict" | "reported" }) {
  return source === "predict" ? (
    <Badge tone="indigo" title="Made through the registry (POST …/predict): the registry ran the version itself">
      <CubeIcon className="size-3.5" />
      predict
    </Badge>
  ) : (
    <Badge tone="violet" title="Reported by an external server (POST /api/v1/decisions), bound to a manifest digest">
      <ExternalIcon className="size-3.5" />
      reported
    </Badge>
  );
}
