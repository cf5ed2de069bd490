// A model's stage history as a timeline, newest first: uploads entering dev, promotions, archiving,
// rollbacks and alias moves — which version, who, when, why, and the request behind a promotion.
import Link from "next/link";
import type { StageEventView } from "@/lib/promotion/views";
import { versionHref } from "../links";
import { ArrowPathIcon, CubeIcon, MinusCircleIcon, ShieldCheckIcon, TagIcon } from "./icons";
import { Time } from "../ui/time";

const kindLook: Record<StageEventView["kind"], { verb: string; Icon: typeof CubeIcon; dot: string }> = {
  registered: { verb: "entered dev", Icon: CubeIcon, dot: "bg-sky-100 text-sky-700 dark:bg-sky-400/15 dark:text-sky-300" },
  promoted: { verb: "promoted", Icon: ShieldCheckIcon, dot: "bg-emerald-100 text-emerald-700 dark:bg-emerald-400/15 dark:text-emerald-300" },
  archived: { verb: "archived", Icon: MinusCircleIcon, dot: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300" },
  rolled_back: { verb: "rolled back", Icon: ArrowPathIcon, dot: "bg-red-100 text-red-700 dark:bg-red-400/15 dark:text-red-300" },
  restored: { verb: "restored", Icon: ArrowPathIcon, dot: "bg-amber-100 text-amber-800 dark:bg-amber-400/15 dark:text-amber-300" },
  alias_set: { verb: "alias set", Icon: TagIcon, dot: "bg-violet-100 text-violet-700 dark:bg-violet-400/15 dark:text-violet-300" },
  alias_removed: { verb: "alias removed", Icon: TagIcon, dot: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300" },
};

/** The event as words around the version's link: [before, after]. */
function sentence(e: StageEventView): [string, string] {
  switch (e.kind) {
    case "registered":
      return ["", " was uploaded and entered dev"];
    case "promoted":
      return ["", ` was promoted ${e.fromStage ? `from ${e.fromStage} ` : ""}to ${e.toStage ?? "the next stage"}`];
    case "archived":
      return ["", ` left ${e.fromStage ?? "prod"} and was archived`];
    case "rolled_back":
      return ["", ` was rolled back out of ${e.fromStage ?? "prod"}`];
    case "restored":
      return ["", ` was restored to ${e.toStage ?? "prod"}`];
    case "alias_set":
      return [`@${e.alias} now points at `, ""];
    case "alias_removed":
      return [`@${e.alias} was removed; it pointed at `, ""];
  }
}

export function StageTimeline({ model, events }: { model: string; events: readonly StageEventView[] }) {
  if (!events.length) return <p className="text-sm text-slate-600 dark:text-slate-400">Nothing has happened yet: versions appear here as they are uploaded and promoted.</p>;
  return (
    <ol aria-label="Stage history, newest first" className="relative space-y-5 border-l border-slate-200 pl-6 dark:border-slate-700">
      {events.map((e) => {
        const look = kindLook[e.kind];
        return (
          <li key={e.id} className="relative" data-kind={e.kind}>
            <span className={`absolute top-0 -left-[2.3rem] flex size-6 items-center justify-center rounded-full ring-4 ring-white dark:ring-slate-900 ${look.dot}`}>
              <look.Icon className="size-3.5" />
            </span>
            <p className="text-sm text-slate-900 dark:text-slate-100">
              <span className="sr-only">{look.verb}: </span>
              {sentence(e)[0]}
              <Link href={versionHref(model, e.version)} className="rounded font-mono font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                {e.version}
              </Link>
              {sentence(e)[1]}
            </p>
            <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
              <Time iso={e.at} /> · {e.actor.email ?? (e.actor.type === "bootstrap" ? "bootstrap token" : e.actor.type === "system" ? "the registry" : e.actor.id)}
              {e.requestId ? (
                <>
                  {" · "}
                  <Link href={`/reviews/${e.requestId}`} className="rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    request
                  </Link>
                </>
              ) : null}
            </p>
            {e.reason && !(e.kind === "registered" && e.reason === "uploaded") ? <p className="mt-1 text-sm whitespace-pre-line text-slate-700 dark:text-slate-300">“{e.reason}”</p> : null}
          </li>
        );
      })}
    </ol>
  );
}
