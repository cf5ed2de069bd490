import type { Metadata } from "next";
import { ChecksPanel } from "@/components/checks/checks-panel";
import { modelHref, versionApiHref } from "@/components/links";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { EmptyState } from "@/components/ui/empty-state";
import { formatBytes } from "@/lib/format/bytes";
import { FileIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { AliasBadge, StageBadge, StatusBadge, TagList } from "@/components/versions/badges";
import { FilesTable } from "@/components/versions/files-table";
import { splitFrontMatter } from "@/lib/registry/card/front-matter";
import { IdentityList, SignatureBadge } from "@/components/versions/identity";
import { ManifestJson } from "@/components/versions/json-disclosure";
import { InputSchemaTable } from "@/components/versions/input-schema";
import { PromotionGatesSection } from "@/components/versions/promotion-gates-section";
import { hasTrainingAndEvaluation, TrainingAndEvaluation } from "@/components/versions/training-evaluation";
import { VerdictLine } from "@/components/checks/verdict-line";
import { FrontMatterTable, ModelCardBody } from "@/components/versions/model-card";
import { Provenance } from "@/components/versions/provenance";
import { readCardText, CARD_DISPLAY_LIMIT } from "@/lib/registry/card/read-card";
import { signatureStatus } from "@/lib/integrity/verify-signature";
import { requirePageActor } from "@/app/_lib/next-auth";
import { log } from "@/lib/observability/logger";
import { getVersionView } from "@/lib/checks/version-view";
import { getServices } from "@/lib/server/services";
import { VersionPromotion } from "@/components/promotion/version-promotion";
import { can } from "@/lib/auth/permissions";
import { getVersionPromotion } from "@/lib/promotion/get-version-promotion";
import { modelOwnerIds } from "@/lib/registry/models";
import { requestPromotionAction } from "../../actions";
import { orNotFound, routeSegment } from "../../../../../_lib/page-helpers";

type Params = Promise<{ name: string; version: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const p = await params;
  return { title: `${routeSegment(p.name)}@${routeSegment(p.version)}` };
}

export default async function VersionPage({ params }: { params: Params }) {
  const p = await params;
  const name = routeSegment(p.name);
  const versionName = routeSegment(p.version);
  const actor = await requirePageActor(`/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(versionName)}`);
  const { prisma, store, signer } = await getServices();
  const version = await orNotFound(getVersionView(prisma, name, versionName));
  const [promotion, owners] = await Promise.all([getVersionPromotion({ prisma, store }, { model: name, version: versionName }), modelOwnerIds(prisma, name)]);
  const mayRequest = can(actor, "promotion.request", { owners });
  const signature = signatureStatus(version, signer);
  const cardFile = version.files.find((f) => f.role === "card");
  // A missing or corrupt card blob must not take the whole page down: show it as unreadable.
  const card = cardFile
    ? await readCardText(store, cardFile).catch((error: unknown) => {
        log.warn("model card unreadable", { model: name, version: versionName, path: cardFile.path, error });
        return null;
      })
    : undefined;
  const split = card ? splitFrontMatter(card.text) : undefined;
  const apiHref = versionApiHref(version.model, version.version);

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Models", href: "/" }, { label: version.model, href: modelHref(version.model) }, { label: version.version }]}
        title={
          <span className="font-mono">
            <span className="text-slate-500 dark:text-slate-400">{version.model}@</span>
            {version.version}
          </span>
        }
        verdict={<VerdictLine checks={version.checks} />}
        description={version.description || undefined}
        meta={
          <>
            <StageBadge stage={version.stage} />
            <StatusBadge status={version.status} />
            <SignatureBadge status={signature} />
            {version.aliases.map((a) => (
              <AliasBadge key={a} name={a} />
            ))}
            <span>
              Format <span className="font-mono text-slate-700 dark:text-slate-300">{version.artifactFormat}</span>
            </span>
            <span>
              Uploaded <Time iso={version.createdAt} /> by <span className="font-medium text-slate-700 dark:text-slate-300">{version.createdBy ?? "bootstrap token"}</span>
            </span>
            {version.tags.length ? <TagList tags={version.tags} max={8} /> : null}
          </>
        }
      />

      {/* Verdicts first: the checks, then the promotion gates, then what the model takes and how it was
          made; identity and files (what a signature binds) come after. */}
      <div className="space-y-6">
        <ChecksPanel model={version.model} version={version.version} checks={version.checks} />

        <PromotionGatesSection>
          <VersionPromotion model={version.model} version={version.version} promotion={promotion} request={mayRequest ? requestPromotionAction : undefined} />
        </PromotionGatesSection>

        <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_22rem]">
          <Card aria-labelledby="schema-heading" className="min-w-0">
            <CardHeader id="schema-heading" title="Input schema" description="What the model takes, as declared in the manifest; validation probes it." />
            <InputSchemaTable inputSchema={version.manifest.inputSchema} />
          </Card>
          <Card aria-labelledby="provenance-heading">
            <CardHeader id="provenance-heading" title="Provenance" description="As declared in the manifest." />
            <CardBody>
              <Provenance manifest={version.manifest} fullHref={apiHref} />
            </CardBody>
          </Card>
        </div>

        {hasTrainingAndEvaluation(version.manifest) ? (
          <Card aria-labelledby="training-heading">
            <CardHeader id="training-heading" title="Training and evaluation" description="As declared in the manifest; the registry stores free-form values and never interprets them." />
            <CardBody>
              <TrainingAndEvaluation manifest={version.manifest} fullHref={apiHref} />
            </CardBody>
          </Card>
        ) : null}

        <Card aria-labelledby="card-heading">
          <CardHeader
            id="card-heading"
            title="Model card"
            description={cardFile ? <span className="font-mono text-xs">{cardFile.path}</span> : "Intended use, limitations, fairness notes and owner."}
          />
          {!cardFile ? (
            <EmptyState icon={<FileIcon className="size-5" />} title="No model card">
              Declare one in manifest.json (<code className="font-mono text-xs">&quot;card&quot;: &quot;MODEL_CARD.md&quot;</code>) in the next version. Promotion to prod requires a
              complete card: intended use, limitations, fairness notes and owner.
            </EmptyState>
          ) : card === null ? (
            <CardBody>
              <Alert tone="danger" title="The model card could not be read">
                Its bytes are missing or do not match their digest in storage. Check the storage backend; the download of {cardFile.path} will fail the same way.
              </Alert>
            </CardBody>
          ) : (
            <>
              {split?.frontMatter?.length ? (
                <div className="border-b border-slate-200 dark:border-slate-700">
                  <FrontMatterTable entries={split.frontMatter} />
                </div>
              ) : null}
              <CardBody className="py-5">
                {card?.truncated ? (
                  <Alert tone="warning" className="mb-4" title={`Showing the first ${formatBytes(CARD_DISPLAY_LIMIT)} of ${formatBytes(card.size)}`}>
                    Download the file for the full card.
                  </Alert>
                ) : null}
                {split?.body.trim() ? (
                  <ModelCardBody markdown={split.body} model={version.model} version={version.version} files={version.files.map((f) => f.path)} />
                ) : (
                  <p className="text-sm text-slate-500 dark:text-slate-400">The card has no text besides its metadata.</p>
                )}
              </CardBody>
            </>
          )}
        </Card>

        <Card aria-labelledby="identity-heading">
          <CardHeader id="identity-heading" title="Identity" description="What this version is, byte for byte. Approvals and decisions are bound to the manifest digest." />
          <IdentityList manifestDigest={version.manifestDigest} signature={signature} />
        </Card>

        <Card aria-labelledby="files-heading">
          <CardHeader id="files-heading" title="Files" description="Stored once by content digest; downloads are verified against it as they stream." />
          <FilesTable model={version.model} version={version.version} files={version.files} />
        </Card>

        <Card aria-labelledby="manifest-heading">
          <CardHeader id="manifest-heading" title="Canonical manifest" description="Exactly what was hashed to give the manifest digest, with every file digest filled in." />
          <CardBody>
            <ManifestJson manifest={version.manifest} fullHref={apiHref} />
            {version.signature ? (
              <details className="group mt-4">
                <summary className="cursor-pointer rounded text-sm font-medium text-slate-700 dark:text-slate-300 hover:text-slate-900 dark:hover:text-slate-100">Signature envelope (DSSE)</summary>
                <CodeBlock className="mt-3" code={JSON.stringify(version.signature, null, 2)} label="signature envelope" maxHeight />
              </details>
            ) : null}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
