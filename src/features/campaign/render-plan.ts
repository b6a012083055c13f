import { textTable } from '../../terminal/text-table.js';
import type { CampaignPlan } from './plan-campaign.js';

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
  lines.push('');
  const shown = items.slice(0, SHOWN_ITEMS);
  lines.push(
    textTable(
      ['INSTANCE', 'FROM', 'INTO', 'BOUND APPS'],
      shown.map((item) => [
        item.instance.name,
        `${item.source.org ?? '?'}/${item.source.space ?? '?'}`,
        `${item.target.org ?? '?'}/${item.target.space ?? '?'}`,
        item.bindings.map((b) => b.app).join(', ') || '-',
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
