import { describe, expect, it } from 'vitest';
import type { ReportBrokerShare } from '../../../src/features/report/report-model.js';
import { buildBrokerPlan, summarizeBrokerItems } from '../../../src/features/campaign/build-broker-plan.js';
import { brokerSharesOf } from '../../../src/features/campaign/unshare-all-command.js';
import { compareBrokerPlan, describeDrift, renderDrift } from '../../../src/features/campaign/plan-drift.js';
import {
  campaignItemsOf,
  computePlanHash,
  planFileOf,
  verifyPlanFile,
} from '../../../src/features/campaign/plan-file.js';
import { renderPlan } from '../../../src/features/campaign/render-plan.js';
import { renderPlanFiles } from '../../../src/features/campaign/render-plan-files.js';
import { summarizePlan } from '../../../src/features/campaign/build-plan.js';
import {
  brokerStatusLine,
  isBrokerItem,
  itemTargetText,
  type BrokerItem,
} from '../../../src/features/campaign/campaign-model.js';
import type { CampaignPlan } from '../../../src/features/campaign/plan-campaign.js';
import { renderCampaignReport } from '../../../src/features/campaign/campaign-report.js';
import { UsageError } from '../../../src/usage-error.js';

const place = (org: string, space: string) => ({
  org_guid: `${org}-guid`,
  org,
  space_guid: `${space}-guid`,
  space,
});

/** One proxy row of report.json's broker_shares. */
function row(
  guid: string,
  where: ReportBrokerShare['original_where'],
  options: { original?: string; in?: [string, string]; originalIn?: [string, string]; landscape?: string } = {},
): ReportBrokerShare {
  const [org, space] = options.in ?? ['org-b', 'space-b'];
  const [oOrg, oSpace] = options.originalIn ?? ['org-a', 'space-a'];
  return {
    proxy: { guid, name: `${guid}-name`, offering: 'credstore', plan: 'proxy' },
    place: place(org, space),
    original_guid: where === 'unknown' ? null : (options.original ?? 'orig-1'),
    origin_landscape: options.landscape ?? null,
    original_where: where,
    original:
      where === 'local'
        ? {
            name: `${options.original ?? 'orig-1'}-name`,
            place: place(oOrg, oSpace),
            plan: 'standard',
            proxies: 2,
            quota: 10,
          }
        : null,
    parameters_error: null,
    bound_apps: [],
    binding_count: 0,
    key_count: 0,
  };
}

const report = {
  broker_shares: {
    proxy_plans: ['credstore:proxy'],
    originals_named: 2,
    landscape: null,
    originals: [],
    proxies: [
      row('p1', 'local'),
      row('p2', 'local', { in: ['org-c', 'space-c'] }),
      row('p3', 'local', { original: 'orig-2', originalIn: ['org-c', 'space-x'] }),
      row('p-remote', 'remote_region', { original: 'far', landscape: 'cf-us20' }),
      row('p-stale', 'missing', { original: 'gone' }),
      row('p-unknown', 'unknown'),
    ],
  },
};
const snapshot = {
  brokerShares: {
    proxyPlans: ['credstore:proxy'],
    proxies: [],
    originals: [],
    keys: [],
    appBindings: [
      { guid: 'b2', instanceGuid: 'p1', appGuid: 'app-1', appName: 'one', appSpaceGuid: 'space-b-guid' },
      { guid: 'b1', instanceGuid: 'p1', appGuid: 'app-2', appName: 'two', appSpaceGuid: 'space-b-guid' },
      { guid: 'b3', instanceGuid: 'p2', appGuid: 'app-1', appName: 'one', appSpaceGuid: 'space-c-guid' },
    ],
  },
};

describe('buildBrokerPlan', () => {
  it('plans one item per local original, with its proxies and their bound apps, and lists the others as skipped', () => {
    const plan = buildBrokerPlan('c1', report, snapshot, {}, false);
    expect(plan.items.map((item) => [item.id, item.proxies.map((p) => p.guid), item.unshare])).toEqual([
      ['c1-broker-orig-1', ['p1', 'p2'], { landscape: '*' }],
      ['c1-broker-orig-2', ['p3'], { landscape: '*' }],
    ]);
    expect(plan.items[0]).toMatchObject({
      kind: 'broker',
      instance: { guid: 'orig-1', name: 'orig-1-name', offering: 'credstore', plan: 'standard' },
      source: { org: 'org-a', space: 'space-a', space_guid: 'space-a-guid' },
    });
    // Bindings sorted by guid, each with its app.
    expect(plan.items[0]!.proxies[0]!.bindings.map((b) => b.guid)).toEqual(['b1', 'b2']);
    expect(plan.skipped.map((s) => [s.proxy.guid, s.where, s.reason])).toEqual([
      ['p-remote', 'remote_region', 'the original is in another region: unshare it in its own region'],
      ['p-stale', 'missing', 'the original is gone: the proxy is stale and has nothing to unshare'],
      ['p-unknown', 'unknown', "the proxy's parameters could not be read: its original is unknown"],
    ]);
    expect(plan.summary).toEqual({ originals: 2, proxies: 3, appsLosingAccess: 2, proxyBindings: 3 });
  });

  it('with perProxy: one item per proxy, each naming its proxy', () => {
    const plan = buildBrokerPlan('c1', report, snapshot, {}, true);
    expect(plan.items.map((item) => [item.id, item.unshare])).toEqual([
      ['c1-broker-orig-1-p1', { landscape: '*', proxyServiceGuid: 'p1' }],
      ['c1-broker-orig-1-p2', { landscape: '*', proxyServiceGuid: 'p2' }],
      ['c1-broker-orig-2-p3', { landscape: '*', proxyServiceGuid: 'p3' }],
    ]);
    expect(plan.summary.originals).toBe(2);
  });

  it('selectors: source ones match the original, target ones the proxy', () => {
    const ids = (selectors: Parameters<typeof buildBrokerPlan>[3], perProxy = false) =>
      buildBrokerPlan('c', report, snapshot, selectors, perProxy).items.map((item) => item.id);
    expect(ids({ sourceSpace: ['space-x'] })).toEqual(['c-broker-orig-2']);
    expect(ids({ sourceOrg: ['org-a-guid'] })).toEqual(['c-broker-orig-1']);
    expect(ids({ instance: ['orig-2-name'] })).toEqual(['c-broker-orig-2']);
    expect(ids({ plan: ['free'] })).toEqual([]);
    expect(ids({ offering: ['credstore'] })).toHaveLength(2);
    expect(ids({ targetOrg: ['org-c'] }, true)).toEqual(['c-broker-orig-1-p2']);
  });

  it('no broker_shares in the report: nothing to plan', () => {
    expect(buildBrokerPlan('c', {}, {}, {}, false)).toMatchObject({ items: [], skipped: [] });
    expect(summarizeBrokerItems([])).toEqual({ originals: 0, proxies: 0, appsLosingAccess: 0, proxyBindings: 0 });
  });
});

describe('brokerSharesOf: the flags of unshare-all --broker-shares', () => {
  const base = { 'broker-shares': true, 'per-proxy': false, 'cc-shares': false, 'only-unbound': false };
  it('alone: broker-level shares only', () => {
    expect(brokerSharesOf(base)).toEqual({ perProxy: false, ccShares: false });
  });
  it('with --cc-shares or a selector: CC shares too', () => {
    expect(brokerSharesOf({ ...base, 'cc-shares': true })).toMatchObject({ ccShares: true });
    expect(brokerSharesOf({ ...base, 'source-org': ['o'] })).toMatchObject({ ccShares: true });
  });
  it('--proxy-plan is checked and kept', () => {
    expect(brokerSharesOf({ ...base, 'proxy-plan': ['vault-share:proxy'] })).toMatchObject({
      proxyPlans: ['vault-share:proxy'],
    });
    expect(() => brokerSharesOf({ ...base, 'proxy-plan': ['nocolon'] })).toThrow(UsageError);
  });
  it('refuses target selectors without --per-proxy, and --only-unbound', () => {
    expect(() => brokerSharesOf({ ...base, 'target-org': ['o'] })).toThrow(/needs --per-proxy/);
    expect(brokerSharesOf({ ...base, 'per-proxy': true, 'target-space': ['s'] })).toMatchObject({ perProxy: true });
    expect(() => brokerSharesOf({ ...base, 'only-unbound': true })).toThrow(/--only-unbound/);
  });
  it('without --broker-shares: its companions are refused, and nothing is planned', () => {
    const off = { ...base, 'broker-shares': false };
    expect(brokerSharesOf(off)).toBeUndefined();
    expect(() => brokerSharesOf({ ...off, 'per-proxy': true })).toThrow(/go\(es\) with --broker-shares/);
    expect(() => brokerSharesOf({ ...off, 'proxy-plan': ['a:b'] })).toThrow(/--proxy-plan/);
  });
});

function brokerCampaignPlan(perProxy = false): CampaignPlan {
  const broker = buildBrokerPlan('c1', report, snapshot, {}, perProxy);
  return {
    campaignId: 'c1',
    items: broker.items,
    summary: summarizePlan([]),
    broker: { perProxy, skipped: broker.skipped, summary: broker.summary },
    flagEnabled: false,
    createdBy: 'admin',
    keys: {},
  };
}

describe('plan files with broker-level items', () => {
  const context = { api: 'https://api.x', createdAt: '2026-01-01T00:00:00Z', selectors: {}, onlyUnbound: false };

  it('plan.json carries the items, the skipped proxies and cc_shares; the hash verifies; items come back', () => {
    const file = planFileOf(brokerCampaignPlan(), { ...context, ccShares: false });
    expect(file.cc_shares).toBe(false);
    expect(file.broker_shares).toMatchObject({
      per_proxy: false,
      proxy_plans: null,
      counts: { originals: 2, proxies: 3, apps_losing_access: 2, proxy_bindings: 3 },
    });
    expect(file.broker_shares!.skipped).toHaveLength(3);
    const read = verifyPlanFile(JSON.parse(JSON.stringify(file)), 'plan.json');
    const items = campaignItemsOf(read, 'c2');
    expect(items.map((item) => item.id)).toEqual(['c2-broker-orig-1', 'c2-broker-orig-2']);
    expect(items.every(isBrokerItem)).toBe(true);
  });

  it('refuses a plan whose broker part was damaged (and hashed again)', () => {
    const file = planFileOf(brokerCampaignPlan(), context);
    const damaged = JSON.parse(JSON.stringify(file));
    damaged.broker_shares.items[0].unshare = { landscape: 'cf-eu10' };
    // Changed without a new hash: the hash refuses it; with a new hash: the shape check does.
    expect(() => verifyPlanFile(damaged, 'plan.json')).toThrow(/was changed after it was written/);
    damaged.plan_hash = computePlanHash(damaged);
    expect(() => verifyPlanFile(damaged, 'plan.json')).toThrow(/incomplete broker_shares part/);
  });

  it('plan-broker-shares.csv has a row per app losing access, per proxy without one, and per proxy left out', () => {
    const file = planFileOf(brokerCampaignPlan(), context);
    const broker = file.broker_shares!;
    const csv = renderPlanFiles(file)['plan-broker-shares.csv']!;
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header).toBe(
      'status,original_guid,original,offering,plan,original_org,original_space,proxy_guid,proxy,proxy_org,proxy_space,proxy_space_guid,binding_guid_losing_access,app_guid,app,parameters,reason,plan_hash',
    );
    const planned = broker.items.flatMap((item) => item.proxies.map((proxy) => Math.max(1, proxy.bindings.length)));
    expect(rows.filter((row) => row.startsWith('planned,'))).toHaveLength(planned.reduce((a, b) => a + b, 0));
    expect(rows.filter((row) => row.startsWith('skipped,'))).toHaveLength(broker.skipped.length);
    expect(broker.skipped.length).toBeGreaterThan(0);
    for (const left of broker.skipped) expect(csv).toContain(left.proxy.guid);
    const bindings = broker.items.flatMap((item) => item.proxies.flatMap((proxy) => proxy.bindings));
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) expect(csv).toContain(`${binding.guid},${binding.app_guid},${binding.app}`);
    expect(csv).toContain('"{""unshare"":{""landscape"":""*""}}"');
    expect(rows.every((row) => row.endsWith(file.plan_hash))).toBe(true);
    // A plan without broker-level shares writes no such file.
    const { broker_shares: _omitted, ...plain } = file;
    expect(renderPlanFiles(plain as typeof file)).not.toHaveProperty('plan-broker-shares.csv');
  });

  it('plan.md has a broker-level section with the proxies, the apps, and the proxies left out', () => {
    const md = renderPlanFiles(planFileOf(brokerCampaignPlan(true), { ...context, ccShares: false }))['plan.md']!;
    expect(md).toContain('No CC share: broker-level shares only.');
    expect(md).toContain('## Broker-level shares');
    expect(md).toContain('"proxyServiceGuid":"<proxy>"');
    expect(md).toContain('The proxy instances and their bindings stay');
    expect(md).toContain('### Proxies left out');
    expect(md).toContain('cf-us20');
  });
});

describe('renderPlan with broker-level items', () => {
  it('shows originals, proxies, the apps losing access and the skipped proxies; says the flag was not checked', () => {
    const text = renderPlan(brokerCampaignPlan(), false);
    expect(text).not.toContain('Plan: unshare');
    expect(text).toContain('Broker-level shares: update 2 original instance(s)');
    expect(text).toContain('3 proxy instance(s); 2 app(s)');
    expect(text).toContain("CC's service_instance_sharing flag does not govern broker-level shares");
    expect(text).toMatch(
      /orig-1-name\s+org-a\/space-a\s+p1-name \(org-b\/space-b\), p2-name \(org-c\/space-c\)\s+one, two/,
    );
    expect(text).toContain('3 proxy instance(s) are not part of this campaign:');
    expect(text).toContain('p-remote-name (p-remote) in org-b/space-b: the original is in another region');
  });
});

describe('compareBrokerPlan: drift since a plan', () => {
  const planned = planFileOf(brokerCampaignPlan(), {
    api: 'a',
    createdAt: 't',
    selectors: {},
    onlyUnbound: false,
  }).broker_shares!.items;

  it('no change: no drift', () => {
    expect(compareBrokerPlan(planned, buildBrokerPlan('c', report, snapshot, {}, false).items)).toEqual({
      destructive: [],
      gone: 0,
    });
  });

  it('a new proxy of a planned original and a new app on a planned proxy are destructive; a gone original is not', () => {
    const current: BrokerItem[] = buildBrokerPlan('c', report, snapshot, {}, false).items.slice(0, 1);
    const first = current[0]!;
    const changed: BrokerItem = {
      ...first,
      proxies: [
        {
          ...first.proxies[0]!,
          bindings: [...first.proxies[0]!.bindings, { guid: 'b9', app_guid: 'a9', app: 'nine' }],
        },
        first.proxies[1]!,
        { ...first.proxies[1]!, guid: 'p-new', name: 'newcomer' },
      ],
    };
    const drift = compareBrokerPlan(planned, [changed]);
    expect(drift.gone).toBe(1);
    expect(drift.destructive.map((change) => change.kind)).toEqual(['new_proxy_binding', 'new_proxy']);
    expect(describeDrift(drift.destructive[0]!)).toBe(
      'new binding b9 of app nine (a9) on proxy p1-name (p1) of original orig-1-name (orig-1)',
    );
    expect(describeDrift(drift.destructive[1]!)).toBe(
      'new proxy newcomer (p-new) in org-c/space-c of original orig-1-name (orig-1)',
    );
    expect(
      renderDrift({ destructive: drift.destructive, goneShares: [], goneBindings: 0, goneBrokerItems: 1 }),
    ).toContain('1 planned broker-level item(s) have no proxy here now');
  });
});

describe('broker-level items in status and the campaign report', () => {
  it('one line for status', () => {
    expect(brokerStatusLine({ items: 3, originals: 2, proxies: 1, perProxy: true })).toBe(
      'broker-level: 3 item(s) (one per proxy) updating 2 original(s) for 1 proxy; the proxies stay, without access',
    );
  });

  it('items.csv and campaign.json name the kind, the proxies and what was verified', () => {
    const item = buildBrokerPlan('c1', report, snapshot, {}, false).items[0]!;
    expect(itemTargetText(item)).toBe('2 proxies: org-b/space-b, org-c/space-c');
    const files = renderCampaignReport({
      meta: {
        id: 'c1',
        api: 'a',
        createdAt: 't',
        createdBy: 'admin',
        total: 1,
        status: 'done',
        options: {
          rate: 1,
          maxAttempts: 1,
          retryDelaySeconds: 1,
          onlyUnbound: false,
          deleteBindingsFirst: false,
          selectors: {},
        },
      },
      items: [item],
      outcomes: {
        [item.id]: {
          outcome: 'unshared',
          attempts: 1,
          at: 't',
          job: { guid: 'job-1', state: 'COMPLETE' },
          verified: 'the broker accepted the unshare',
        },
      },
      attempts: {},
      ledger: [],
      audit: [],
      verification: undefined,
    });
    const json = JSON.parse(files['campaign.json']!) as { items: Array<Record<string, unknown>> };
    expect(json.items[0]).toMatchObject({
      kind: 'broker',
      target: '2 proxies: org-b/space-b, org-c/space-c',
      target_space_guid: '',
      unshare_parameters: { unshare: { landscape: '*' } },
      apps_losing_access: [
        { guid: 'app-1', name: 'one' },
        { guid: 'app-2', name: 'two' },
      ],
      job: { guid: 'job-1', state: 'COMPLETE' },
      verified: 'the broker accepted the unshare',
      destroyed_bindings: [],
    });
    const [header, line] = files['items.csv']!.trim().split(/\r?\n/);
    expect(header!.endsWith(',blocking,kind,proxies,verified,destroyed_bindings,note,plan_hash')).toBe(true);
    expect(line).toContain(',broker,p1-name (p1) in org-b/space-b | p2-name (p2) in org-c/space-c,');
  });
});
