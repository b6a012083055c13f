import { markdownCell, safeJson } from '../../terminal/safe-text.js';
import { toCsv } from '../report/csv.js';
import type { PlanFile, PlanFileBroker, PlanFileShare } from './plan-file.js';
import { credentialsNote } from './campaign-model.js';

/**
 * The files `unshare-all --dry-run --out DIR` writes: plan.json (exact), plan.csv and plan.md (for people), and with
 * broker-level shares plan-broker-shares.csv.
 */
export function renderPlanFiles(plan: PlanFile): Record<string, string> {
  return {
    // safeJson: the same values (the hash still verifies), with bidi and C1 controls escaped for whoever cats it.
    'plan.json': `${safeJson(JSON.stringify(plan, null, 2))}\n`,
    'plan.csv': planCsv(plan),
    'plan.md': planMarkdown(plan),
    ...(plan.broker_shares && { 'plan-broker-shares.csv': brokerPlanCsv(plan.broker_shares, plan.plan_hash) }),
  };
}

/**
 * One row per app binding that loses access through a planned broker-level unshare, one per planned proxy without
 * bindings, and one per proxy left out with its reason; toCsv escapes names.
 */
function brokerPlanCsv(broker: PlanFileBroker, planHash: string): string {
  const planned = broker.items.flatMap((item) =>
    item.proxies.flatMap((proxy) => {
      const common = [
        'planned',
        item.instance.guid,
        item.instance.name,
        item.instance.offering,
        item.instance.plan,
        item.source.org,
        item.source.space,
        proxy.guid,
        proxy.name,
        proxy.org,
        proxy.space,
        proxy.space_guid,
      ];
      const tail = [JSON.stringify({ unshare: item.unshare }), '', planHash];
      return proxy.bindings.length === 0
        ? [[...common, '', '', '', ...tail]]
        : proxy.bindings.map((binding) => [...common, binding.guid, binding.app_guid, binding.app, ...tail]);
    }),
  );
  const skipped = broker.skipped.map((left) => [
    'skipped',
    left.original_guid ?? '',
    '',
    '',
    '',
    '',
    '',
    left.proxy.guid,
    left.proxy.name,
    left.place.org,
    left.place.space,
    left.place.space_guid,
    '',
    '',
    '',
    '',
    left.reason,
    planHash,
  ]);
  return toCsv(
    [
      'status',
      'original_guid',
      'original',
      'offering',
      'plan',
      'original_org',
      'original_space',
      'proxy_guid',
      'proxy',
      'proxy_org',
      'proxy_space',
      'proxy_space_guid',
      'binding_guid_losing_access',
      'app_guid',
      'app',
      'parameters',
      'reason',
      'plan_hash',
    ],
    [...planned, ...skipped],
  );
}

/** A selector as the flag that set it: `targetOrg` is `--target-org`. */
const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const place = (p: { org: string | null; space: string | null }): string => `${p.org ?? '?'}/${p.space ?? '?'}`;

/** One row per app binding a share destroys, and one row for a share that destroys none; toCsv escapes names. */
function planCsv(plan: PlanFile): string {
  const rows = plan.shares.flatMap((share) => {
    const common = [
      share.instance.guid,
      share.instance.name,
      share.instance.offering,
      share.instance.plan,
      share.source.org,
      share.source.space,
      share.source.space_guid,
      share.target.org,
      share.target.org_guid,
      share.target.space,
      share.target.space_guid,
    ];
    const tail = [share.keys.length, credentialsNote(share.credentials_not_unique), plan.plan_hash];
    return share.bindings.length === 0
      ? [[...common, '', '', '', ...tail]]
      : share.bindings.map((binding) => [...common, binding.guid, binding.app_guid, binding.app, ...tail]);
  });
  return toCsv(
    [
      'instance_guid',
      'instance',
      'offering',
      'plan',
      'source_org',
      'source_space',
      'source_space_guid',
      'target_org',
      'target_org_guid',
      'target_space',
      'target_space_guid',
      'binding_guid_destroyed',
      'app_guid',
      'app',
      'keys_surviving',
      'note',
      'plan_hash',
    ],
    rows,
  );
}

/** The plan as a change approval reads it: the summary, then every share with what it destroys and what survives. */
function planMarkdown(plan: PlanFile): string {
  const c = plan.counts;
  const selectors = (Object.entries(plan.selectors) as Array<[string, readonly string[] | undefined]>).filter(
    ([, values]) => values !== undefined && values.length > 0,
  );
  const lines = [
    '# cf-shares unshare plan',
    '',
    `| | |`,
    `|---|---|`,
    `| plan hash | \`${plan.plan_hash}\` |`,
    `| API | ${markdownCell(plan.api)} |`,
    `| created | ${markdownCell(plan.created_at)} by ${markdownCell(plan.created_by)} |`,
    `| selectors | ${selectors.length === 0 ? 'none (every share)' : selectors.map(([k, v]) => `${flagOf(k)} ${v!.map((s) => markdownCell(s)).join(', ')}`).join('; ')}${plan.only_unbound ? '; only unbound' : ''} |`,
    `| sharing flag at planning | ${plan.sharing_flag_enabled ? 'enabled' : 'disabled'} |`,
    '',
    '## Summary',
    '',
    `- Unshare **${c.shares}** share(s) of ${c.instances} instance(s) from ${c.target_spaces} target space(s).`,
    `- Unsharing **deletes ${c.bindings_to_delete} app binding(s)** of ${c.apps_affected} app(s) in those spaces.`,
    `- ${c.keys_surviving} service key(s) of these instances **survive**: unsharing does not delete keys.`,
    credentialsSummary(plan),
    '',
    `Execute exactly this plan with \`cf-shares unshare-all --from-plan plan.json --yes\`: it checks this hash, and`,
    'refuses if the foundation changed so that unsharing would destroy more than listed here.',
    '',
    '## Shares',
    '',
  ];
  plan.shares.forEach((share, index) => lines.push(...shareSection(share, index + 1)));
  if (plan.shares.length === 0)
    lines.push(plan.cc_shares === false ? 'No CC share: broker-level shares only.' : 'None.', '');
  if (plan.broker_shares) lines.push(...brokerSection(plan.broker_shares));
  return `${lines.join('\n')}\n`;
}

/** The broker-level part: each original, its proxies and the apps that lose access, then the proxies left out. */
function brokerSection(broker: PlanFileBroker): string[] {
  const c = broker.counts;
  const lines = [
    '## Broker-level shares',
    '',
    `- Update **${c.originals}** original instance(s) with \`{"unshare":{"landscape":"*"${broker.per_proxy ? ',"proxyServiceGuid":"<proxy>"' : ''}}}\` (${broker.items.length} item(s), one per ${broker.per_proxy ? 'proxy' : 'original'}).`,
    `- The broker removes the access of **${c.proxies}** proxy instance(s): **${c.apps_losing_access} app(s)** bound to them (${c.proxy_bindings} binding(s)) lose access.`,
    '- The proxy instances and their bindings stay (without access) unless you delete them.',
    `- Proxy plans: ${broker.proxy_plans === null ? 'credstore:proxy (default)' : broker.proxy_plans.map((p) => markdownCell(p)).join(', ')}.`,
    '',
  ];
  broker.items.forEach((item, index) => {
    lines.push(
      `### B${index + 1}. ${markdownCell(item.instance.name)}`,
      '',
      `- original: ${markdownCell(item.instance.name)} (${markdownCell(item.instance.guid)}), ${markdownCell(item.instance.offering)} / ${markdownCell(item.instance.plan)}, in ${markdownCell(place(item.source))}`,
      '',
      '| proxy | proxy guid | in | apps losing access |',
      '|---|---|---|---|',
      ...item.proxies.map(
        (proxy) =>
          `| ${markdownCell(proxy.name)} | ${markdownCell(proxy.guid)} | ${markdownCell(place(proxy))} | ${proxy.bindings.map((b) => `${markdownCell(b.app)} (${markdownCell(b.app_guid)})`).join(', ') || '-'} |`,
      ),
      '',
    );
  });
  if (broker.skipped.length > 0) {
    lines.push('### Proxies left out', '', '| proxy | proxy guid | in | original | why |', '|---|---|---|---|---|');
    for (const skipped of broker.skipped)
      lines.push(
        `| ${markdownCell(skipped.proxy.name)} | ${markdownCell(skipped.proxy.guid)} | ${markdownCell(place(skipped.place))} | ${markdownCell(skipped.original_guid, '?')}${skipped.origin_landscape ? ` (${markdownCell(skipped.origin_landscape)})` : ''} | ${markdownCell(skipped.reason)} |`,
      );
    lines.push('');
  }
  return lines;
}

/** What the plan knows of the credentials' uniqueness, one summary bullet. */
function credentialsSummary(plan: PlanFile): string {
  if (plan.credentials_inspected !== true)
    return "- Credentials were not inspected: whether unsharing revokes the deleted bindings' access is not known (plan with `--inspect-credentials` to check).";
  const reused = plan.shares.filter((share) => share.credentials_not_unique).length;
  return reused === 0
    ? '- Every planned binding whose credentials were read has its own: unsharing revokes their access.'
    : `- **${reused} share(s) have bindings whose credentials are not unique: unsharing will not revoke access for ${plan.counts.apps_keeping_access ?? 0} app(s); rotate the credentials.**`;
}

function shareSection(share: PlanFileShare, n: number): string[] {
  const lines = [
    `### ${n}. ${markdownCell(share.instance.name)}`,
    '',
    `- instance: ${markdownCell(share.instance.name)} (${markdownCell(share.instance.guid)}), ${markdownCell(share.instance.offering)} / ${markdownCell(share.instance.plan)}`,
    `- from: ${markdownCell(place(share.source))} (space ${markdownCell(share.source.space_guid)})`,
    `- into: ${markdownCell(place(share.target))} (space ${markdownCell(share.target.space_guid)})`,
    '',
  ];
  const note = credentialsNote(share.credentials_not_unique);
  // Said first: it changes what unsharing this share achieves.
  if (note)
    lines.push(
      `**Credentials not unique: ${note}.** The bindings ${share.credentials_not_unique!.binding_guids.map((g) => markdownCell(g)).join(', ')} hold credentials that bindings or keys of other spaces hold too.`,
      '',
    );
  if (share.bindings.length === 0) lines.push('Destroys no app binding.', '');
  else
    lines.push(
      `Destroys ${share.bindings.length} app binding(s):`,
      '',
      '| app | app guid | binding guid |',
      '|---|---|---|',
      ...share.bindings.map(
        (b) => `| ${markdownCell(b.app)} | ${markdownCell(b.app_guid)} | ${markdownCell(b.guid)} |`,
      ),
      '',
    );
  if (share.keys.length === 0) lines.push('No service key.', '');
  else
    lines.push(
      `Keeps ${share.keys.length} service key(s) of the instance: ${share.keys.map((k) => `${markdownCell(k.name, '(unnamed)')} (${markdownCell(k.guid)})`).join(', ')}`,
      '',
    );
  return lines;
}
