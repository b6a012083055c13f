import { textTable } from '../../terminal/text-table.js';
import type { CampaignPlan } from './plan-campaign.js';
import { credentialsNote } from './campaign-model.js';

/** What the planning crawl learnt of the bindings' credentials (issue 13), as lines of the plan. */
function credentialLines(plan: CampaignPlan): string[] {
  const { summary } = plan;
  const lines: string[] = [];
  if (!summary.credentialsInspected) {
    if (summary.bindingsToDelete > 0)
      lines.push(
        "Credentials were not inspected: whether deleting those bindings revokes the apps' access is not known (--inspect-credentials checks that every binding has its own).",
      );
    return lines;
  }
  if (summary.sharesWithCredentialsNotUnique > 0)
    lines.push(
      `Credentials not unique on ${summary.sharesWithCredentialsNotUnique} share(s): unsharing will not revoke access for ${summary.appsKeepingAccess} app(s); rotate the credentials.`,
    );
  if (summary.skippedSharesWithCredentialsNotUnique > 0)
    lines.push(
      `--only-unbound leaves out ${summary.skippedSharesWithCredentialsNotUnique} bound share(s) whose bindings' credentials are not unique: unsharing them later will not revoke that access either; rotate the credentials.`,
    );
  return lines;
}

/** Rows of the plan shown before confirming; the rest is counted. */
const SHOWN_ITEMS = 20;

/** The plan as the person confirming it reads it: counts, what unsharing deletes, the flag, the first items. */
export function renderPlan(plan: CampaignPlan, disableFlag: boolean): string {
  const { items, summary } = plan;
  const lines = [
    `Plan: unshare ${summary.items} share(s) of ${summary.instances} instance(s) from ${summary.targetSpaces} target space(s).`,
    `Unsharing deletes ${summary.bindingsToDelete} app binding(s) of ${summary.appsAffected} app(s) in those spaces; service keys are kept.`,
  ];
  if (plan.flagEnabled)
    lines.push(
      disableFlag
        ? 'The service_instance_sharing flag is enabled and will be disabled first (--disable-flag).'
        : 'The service_instance_sharing flag is enabled: a real run needs --disable-flag, or the flag disabled first.',
    );
  lines.push(...credentialLines(plan));
  lines.push('');
  // Reused credentials first: those are the shares whose unsharing does not do what the person expects.
  const shown = [...items]
    .sort((a, b) => Number(!!b.credentials_not_unique) - Number(!!a.credentials_not_unique))
    .slice(0, SHOWN_ITEMS);
  const noted = shown.some((item) => item.credentials_not_unique);
  lines.push(
    textTable(
      ['INSTANCE', 'FROM', 'INTO', 'BOUND APPS', ...(noted ? ['NOTE'] : [])],
      shown.map((item) => [
        item.instance.name,
        `${item.source.org ?? '?'}/${item.source.space ?? '?'}`,
        `${item.target.org ?? '?'}/${item.target.space ?? '?'}`,
        item.bindings.map((b) => b.app).join(', ') || '-',
        ...(noted ? [credentialsNote(item.credentials_not_unique) ?? ''] : []),
      ]),
    ),
  );
  if (items.length > shown.length)
    lines.push(
      `... and ${items.length - shown.length} more share(s) not shown: 'unshare-all --dry-run --out DIR' writes the whole plan`,
    );
  lines.push('');
  return lines.map((line) => `${line}\n`).join('');
}
