// What was decided: the outputs as the ledger stored them, the score, and the input as it was
// retained — the whole row, a redacted copy (the redacted features named), or only its digest.
import type { DecisionView } from "@/lib/decisions/views";
import { Badge } from "../ui/badge";
import { Digest } from "../ui/digest";
import { LockIcon } from "../ui/icons";
import { RowHeader, Table, TBody, TD, TR } from "../ui/table";
import { formatValue } from "./decision-format";

const sub = "text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400";

export function DecisionOutputs({ decision }: { decision: DecisionView }) {
  return (
    <div className="space-y-2">
      <h3 className={sub}>Output</h3>
      <div className="overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
        <Table caption="The decision's outputs as stored">
          <TBody>
            {Object.entries(decision.output).map(([key, value]) => (
              <TR key={key}>
                <RowHeader className="w-40 font-mono text-xs">{key}</RowHeader>
                <TD className="font-mono text-xs break-all">{formatValue(value)}</TD>
              </TR>
            ))}
            <TR>
              <RowHeader className="w-40 text-xs">score</RowHeader>
              <TD className="font-mono text-xs">{decision.score === null ? "— (the model gives none)" : String(decision.score)}</TD>
            </TR>
          </TBody>
        </Table>
      </div>
    </div>
  );
}

export function DecisionInput({ decision }: { decision: DecisionView }) {
  const { input, inputRetention, redactedFields } = decision;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className={sub}>Input</h3>
        {inputRetention === "full" ? (
          <Badge tone="neutral">kept in full</Badge>
        ) : inputRetention === "redacted" ? (
          <Badge tone="amber">
            <LockIcon className="size-3.5" />
            redacted copy
          </Badge>
        ) : (
          <Badge tone="amber">
            <LockIcon className="size-3.5" />
            digest only
          </Badge>
        )}
      </div>
      {input && Object.keys(input).length ? (
        <div className="overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
          <Table caption="The decision's input as retained">
            <TBody>
              {Object.entries(input).map(([key, value]) => (
                <TR key={key}>
                  <RowHeader className="w-40 font-mono text-xs">{key}</RowHeader>
                  <TD className="font-mono text-xs break-all">{formatValue(value)}</TD>
                </TR>
              ))}
              {redactedFields.map((field) => (
                <TR key={`redacted-${field}`}>
                  <RowHeader className="w-40 font-mono text-xs">{field}</RowHeader>
                  <TD className="text-xs text-amber-800 italic dark:text-amber-300">redacted: not stored</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      ) : (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          {inputRetention === "digest"
            ? "The ledger kept only the input's digest (DECISION_INPUT_RETENTION=digest), never the values. A replay needs the original input, which is checked against this digest."
            : `Every stored feature was redacted${redactedFields.length ? ` (${redactedFields.join(", ")})` : ""}; only the digest proves the input.`}
        </p>
      )}
      {inputRetention === "redacted" && input && Object.keys(input).length ? (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Left out by DECISION_REDACT_FIELDS: <span className="font-mono">{redactedFields.join(", ") || "—"}</span>. A replay needs the whole input.
        </p>
      ) : null}
      <p className="flex flex-wrap items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
        Input digest (HMAC-SHA256 under the registry&apos;s key) <Digest value={decision.inputDigest} chars={16} />
      </p>
    </div>
  );
}
