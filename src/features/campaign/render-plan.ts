import { textTable } from '../../terminal/text-table.js';
import type { CampaignPlan } from './plan-campaign.js';
import { brokerItemApps, credentialsNote, isBrokerItem, type BrokerItem, type PlanItem } from './campaign-model.js';

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
  const { summary } = plan;
  const items = plan.items.filter((item): item is PlanItem => !isBrokerItem(item));
  const lines: string[] = [];
  // A campaign of broker-level shares alone says nothing of CC shares.
  if (!plan.broker || items.length > 0)
    lines.push(
      `Plan: unshare ${summary.items} share(s) of ${summary.instances} instance(s) from ${summary.targetSpaces} target space(s).`,
      `Unsharing deletes ${summary.bindingsToDelete} app binding(s) of ${summary.appsAffected} app(s) in those spaces; service keys are kept.`,
    );
  if (plan.flagEnabled)
    lines.push(
      disableFlag
        ? 'The service_instance_sharing flag is enabled and will be disabled first (--disable-flag).'
        : 'The service_instance_sharing flag is enabled: a real run needs --disable-flag, or the flag disabled first.',
    );
  if (plan.broker && items.length === 0) return [...lines, ...brokerLines(plan)].map((line) => `${line}\n`).join('');
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
  if (plan.broker) lines.push(...brokerLines(plan));
  return lines.map((line) => `${line}\n`).join('');
}

/** The broker-level part of the plan: originals, their proxies, the apps that lose access, the proxies left out. */
function brokerLines(plan: CampaignPlan): string[] {
  const broker = plan.broker!;
  const items = plan.items.filter(isBrokerItem);
  const { summary } = broker;
  const lines = [
    `Broker-level shares: update ${summary.originals} original instance(s) with {"unshare":{"landscape":"*"${broker.perProxy ? ',"proxyServiceGuid":...' : ''}}} (${items.length} item(s)${broker.perProxy ? ', one per proxy' : ', one per original'}).`,
    `The broker removes the access of ${summary.proxies} proxy instance(s); ${summary.appsLosingAccess} app(s) bound to them (${summary.proxyBindings} binding(s)) lose access. The proxy instances and their bindings stay: delete them yourself if they are no longer wanted.`,
  ];
  if (!plan.items.some((item) => !isBrokerItem(item)))
    lines.push("CC's service_instance_sharing flag does not govern broker-level shares: it was not checked.");
  lines.push('');
  if (items.length > 0) {
    const shown = items.slice(0, SHOWN_ITEMS);
    lines.push(
      textTable(
        ['ORIGINAL', 'IN', 'PROXIES', 'APPS LOSING ACCESS'],
        shown.map((item: BrokerItem) => [
          item.instance.name,
          `${item.source.org ?? '?'}/${item.source.space ?? '?'}`,
          item.proxies.map((proxy) => `${proxy.name} (${proxy.org ?? '?'}/${proxy.space ?? '?'})`).join(', '),
          brokerItemApps(item)
            .map((app) => app.name)
            .join(', ') || '-',
        ]),
      ),
    );
    if (items.length > shown.length)
      lines.push(
        `... and ${items.length - shown.length} more broker-level item(s) not shown: 'unshare-all --dry-run --out DIR' writes the whole plan`,
      );
    lines.push('');
  }
  if (broker.skipped.length > 0) {
    lines.push(`${broker.skipped.length} proxy instance(s) are not part of this campaign:`);
    for (const skipped of broker.skipped.slice(0, SHOWN_ITEMS))
      lines.push(
        `  - ${skipped.proxy.name} (${skipped.proxy.guid}) in ${skipped.place.org ?? '?'}/${skipped.place.space ?? '?'}: ${skipped.reason}${skipped.origin_landscape ? ` (${skipped.origin_landscape})` : ''}`,
      );
    if (broker.skipped.length > SHOWN_ITEMS) lines.push(`  ... and ${broker.skipped.length - SHOWN_ITEMS} more`);
    lines.push('');
  }
  return lines;
}
