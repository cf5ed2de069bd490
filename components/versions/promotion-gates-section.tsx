// The version page's place for the promotion gates (issue #8), right after the checks: what must hold
// before this version may move to staging or prod. The promotion workflow renders its gates as this
// section's children; until then the section says where they will appear.
import type { ReactNode } from "react";
import { Card, CardBody, CardHeader } from "../ui/card";

export function PromotionGatesSection({ children, actions }: { children?: ReactNode; actions?: ReactNode }) {
  return (
    <Card aria-labelledby="promotion-gates-heading" className="scroll-mt-20">
      <div id="promotion-gates" data-slot="promotion-gates">
        <CardHeader id="promotion-gates-heading" title="Promotion gates" description="What must hold before this version may be promoted to staging or prod." actions={actions} />
        {children ?? (
          <CardBody>
            <p className="text-sm text-slate-600 dark:text-slate-400">Gate results appear here with the promotion workflow.</p>
          </CardBody>
        )}
      </div>
    </Card>
  );
}
