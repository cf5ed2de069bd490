// The version page's promotion block (for its "Promotion gates" slot): where the version stands,
// the gates for its next stage — the open request's, or a preview when nothing is requested yet —
// and, for those who may ask, the form to request the next stage. Takes getVersionPromotion()'s view.
import Link from "next/link";
import type { VersionPromotion as VersionPromotionView } from "@/lib/promotion/get-version-promotion";
import { describeRequest } from "@/lib/promotion/describe-request";
import { modelHref } from "../links";
import { GateChecklist } from "./gate-checklist";
import type { PromotionFormResult, RequestInput } from "./form-state";
import { requestHref } from "./promotions-table";
import { RequestPromotionForm } from "./request-promotion-form";
import { RequestStatusBadge } from "./stage-badge";

export function VersionPromotion({
  model,
  version,
  promotion,
  request,
}: {
  model: string;
  version: string;
  promotion: VersionPromotionView;
  /** The requestPromotionAction, for those who may request (can(actor, "promotion.request", { owners })); omit it for everyone else. */
  request?: (input: RequestInput) => Promise<PromotionFormResult>;
}) {
  const { next, openRequest, gates } = promotion;
  if (!next)
    return (
      <div className="px-5 py-4 text-sm text-slate-700 dark:text-slate-300">
        {promotion.stage === "prod" ? "This version is prod: there is no further stage." : "An archived version returns to prod only by a rollback."}{" "}
        <Link href={modelHref(model)} className="rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          Rollback and stage history
        </Link>{" "}
        are on the model page.
      </div>
    );
  return (
    <div className="space-y-4 px-5 py-4">
      {openRequest ? (
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
          <RequestStatusBadge status={openRequest.status} />
          <span>
            Requested for {next}: {describeRequest(openRequest).headline}.{" "}
            <Link href={requestHref(openRequest.id)} className="rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300">
              Open the request
            </Link>
          </span>
        </p>
      ) : (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          The gates for <span className="font-medium">{next}</span> as they stand now; nothing has been requested yet.
        </p>
      )}
      <GateChecklist gates={gates} label={`Gates for ${next}`} />
      {!openRequest && request ? (
        <div className="border-t border-slate-200 pt-4 dark:border-slate-700">
          <RequestPromotionForm model={model} version={version} to={next} request={request} />
        </div>
      ) : null}
    </div>
  );
}
