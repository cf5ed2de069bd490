import { CodeBlock } from "../ui/code-block";

/** The copy-paste path from "nothing here" to a first version, pointed at this very registry. */
export function PushInstructions({ registryUrl, model = "credit-risk", createModel = true }: { registryUrl: string; model?: string; createModel?: boolean }) {
  const command = [
    `export REGISTRY_URL=${registryUrl}`,
    "export REGISTRY_TOKEN=mr_…   # Settings → API tokens (scope: write)",
    `npx model-registry push ./dist/model --model ${model}${createModel ? " --create-model" : ""}`,
  ].join("\n");
  return <CodeBlock code={command} label="push command" />;
}
