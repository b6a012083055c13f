import pLimit from 'p-limit';
import type {
  CfClient,
  Page,
  FieldSelection,
  Paginator,
  Selected,
  ServiceCredentialBinding,
  ServiceCredentialBindingListQuery,
} from '../client/index.js';
import type { CredentialComparison, FoundationSnapshot, ServiceEndpoint, SnapshotPlan } from '../audit/snapshot.js';
import { endpointFromFile, type EndpointsFile } from '../audit/endpoints-file.js';
import { endpointFromCredentials } from '../audit/endpoint-from-credentials.js';
import { silentLogger, type Logger } from '../log.js';
import { discoverShares } from './discover-shares.js';
import { compareCredentials } from './compare-credentials.js';
import { brokerShareCandidates, brokerSharePlans, readProxies, snapshotInstance } from './discover-broker-shares.js';
import { DEFAULT_PROXY_PLANS, type BrokerShareSnapshot, type ProxyPlan } from '../audit/broker-shares.js';

export interface CrawlFoundationOptions {
  /** The operator's endpoints (`--endpoints FILE`), first in line for ASG checks. */
  endpointsFile?: EndpointsFile;
  /**
   * Read the credentials of every app binding and key of the shared instances (`--inspect-credentials`): to compare
   * them (which bindings share credentials) and, from one binding per instance, to learn the service's host and port.
   */
  inspectCredentials?: boolean;
  /** Plans whose instances are broker-level share proxies (`--proxy-plan`). @defaultValue credstore:proxy */
  proxyPlans?: readonly ProxyPlan[];
  /** This foundation's region (`--landscape`): a proxy naming it and no local original is stale, not remote. */
  landscape?: string;
  /** Spaces per `space_guids` filter. @defaultValue 200 */
  spaceBatchSize?: number;
  /** Guids per `service_instance_guids` filter. @defaultValue 200 */
  guidBatchSize?: number;
  /** Requests in flight at once from this crawl (the client's pacing still applies). @defaultValue 8 */
  concurrency?: number;
  /** Called as the crawl moves on, for progress bars and job progress. */
  onProgress?: (step: string, done: number, total: number) => void;
  /**
   * Stops the crawl from sending more requests: queued work is dropped (requests in flight still end). The caller
   * stops waiting on the crawl itself; its promise may never settle once aborted.
   */
  signal?: AbortSignal;
  log?: Logger;
  now?: () => Date;
}

export interface CrawlResult {
  readonly snapshot: FoundationSnapshot;
  readonly endpoints: ReadonlyMap<string, ServiceEndpoint>;
  /** Cloud Controller requests the crawl sent. */
  readonly requests: number;
}

/**
 * Everything the audit reasons about, with the fewest requests: whole collections at per_page 5000, shares by
 * batched listings (see `discoverShares`), plan visibility only for org-restricted plans of shared instances,
 * bindings and keys of shared instances only (guid-batched or listed whole, whichever takes fewer requests).
 */
export async function crawlFoundation(
  client: CfClient,
  api: string,
  options: CrawlFoundationOptions = {},
): Promise<CrawlResult> {
  const log = options.log ?? silentLogger;
  const limit = pLimit(options.concurrency ?? 8);
  // A report interrupted by SIGINT/SIGTERM must not go on crawling in the background of a process that is ending.
  options.signal?.addEventListener('abort', () => limit.clearQueue(), { once: true });
  const progress = options.onProgress ?? (() => undefined);
  const requestsBefore = client.requestCount;

  progress('collections', 0, 1);
  const { flag, orgs, spaces, offerings, plans, groups } = await listCollections(client);
  progress('collections', 1, 1);
  log.info(
    {
      orgs: orgs.length,
      spaces: spaces.length,
      offerings: offerings.length,
      plans: plans.length,
      securityGroups: groups.length,
    },
    'listed collections',
  );

  const planRecords = new Map<string, SnapshotPlan>(
    plans.map((plan) => [
      plan.guid,
      {
        guid: plan.guid,
        name: plan.name,
        offeringGuid: plan.relationships.service_offering.data?.guid ?? '',
        active: plan.available,
        visibilityType: plan.visibility_type,
        visibleOrgGuids: [],
        spaceGuid: plan.relationships.space?.data?.guid ?? null,
      },
    ]),
  );
  const plansOfBrokerShares = brokerSharePlans(
    [...planRecords.values()],
    offerings,
    options.proxyPlans ?? DEFAULT_PROXY_PLANS,
  );
  // Job progress is a Redis write: report every few percent, not every request.
  let reported = '';
  const discovered = await discoverShares(
    client,
    spaces.map((space) => space.guid),
    {
      limit,
      spaceBatchSize: options.spaceBatchSize ?? 200,
      log,
      ...(options.signal && { signal: options.signal }),
      // Broker-level share candidates: the only records kept of instances that are not shared.
      keep: ({ planGuid }) => plansOfBrokerShares.isCandidate(planGuid),
      onProgress: (phase, done, total) => {
        const mark = `${phase} ${Math.floor((done / total) * 20)}`;
        if (mark !== reported || done === total) progress(phase, done, total);
        reported = mark;
      },
    },
  );
  const shared = discovered.sharedGuids.map((guid) => discovered.instances.get(guid)!);

  // Visibility is only worth a request for org-restricted plans that shared instances use (cc-api.md §6).
  const restricted = [...new Set(shared.map((instance) => instance.planGuid))].filter(
    (guid): guid is string => guid !== null && planRecords.get(guid)?.visibilityType === 'organization',
  );
  await Promise.all(
    restricted.map((guid) =>
      limit(async () => {
        const visibility = await client.servicePlans.visibility(guid);
        const orgGuids = visibility.type === 'organization' ? visibility.organizations.map((org) => org.guid) : [];
        planRecords.set(guid, { ...planRecords.get(guid)!, visibleOrgGuids: orgGuids });
      }),
    ),
  );

  const candidates = brokerShareCandidates(discovered.instances.values(), plansOfBrokerShares);
  const proxyGuids = new Set(candidates.proxies.map((proxy) => proxy.guid));

  progress('bindings', 0, 1);
  // One listing serves the shared instances and the proxies; their bindings are then kept apart, so that the
  // credential comparison and the share counts stay about CC shares.
  const everyBinding = await bindingsOfSharedInstances(
    client,
    [...new Set([...discovered.sharedGuids, ...proxyGuids])],
    options.guidBatchSize ?? 200,
    limit,
  );
  const ofProxy = (binding: { instanceGuid: string }): boolean => proxyGuids.has(binding.instanceGuid);
  const appBindings = everyBinding.appBindings.filter((binding) => !ofProxy(binding));
  const keys = everyBinding.keys.filter((key) => !ofProxy(key));
  const { notReady } = everyBinding;
  progress('bindings', 1, 1);

  let brokerShares: BrokerShareSnapshot | undefined;
  if (candidates.proxies.length > 0 || candidates.originals.length > 0) {
    progress('proxies', 0, 1);
    brokerShares = {
      proxyPlans: candidates.proxyPlans,
      ...(options.landscape !== undefined && { landscape: options.landscape }),
      proxies: await readProxies(client, candidates.proxies, { limit, log }),
      originals: candidates.originals.map(snapshotInstance),
      appBindings: everyBinding.appBindings.filter(ofProxy),
      keys: everyBinding.keys.filter(ofProxy),
    };
    progress('proxies', 1, 1);
  }

  const offeringByGuid = new Map(offerings.map((offering) => [offering.guid, offering]));
  const endpoints = new Map<string, ServiceEndpoint>();
  const firstBinding = new Map<string, string>();
  for (const binding of [...appBindings, ...keys])
    if (!firstBinding.has(binding.instanceGuid)) firstBinding.set(binding.instanceGuid, binding.guid);
  const endpointFromFileOf = (instance: (typeof shared)[number]): ServiceEndpoint | undefined => {
    const plan = instance.planGuid ? planRecords.get(instance.planGuid) : undefined;
    const offering = plan ? offeringByGuid.get(plan.offeringGuid) : undefined;
    return options.endpointsFile && endpointFromFile(options.endpointsFile, instance, plan, offering);
  };
  for (const instance of shared) {
    const fromFile = endpointFromFileOf(instance);
    if (fromFile) endpoints.set(instance.guid, fromFile);
  }

  let credentials: CredentialComparison | undefined;
  if (options.inspectCredentials) {
    // One read per binding and key serves both the comparison and, for each instance's first binding, the endpoint:
    // the credentials live only in compareCredentials' frame and this callback, which keeps host and port.
    const endpointFor = new Map<string, string>();
    for (const [instanceGuid, bindingGuid] of firstBinding)
      if (!endpoints.has(instanceGuid)) endpointFor.set(bindingGuid, instanceGuid);
    progress('credentials', 0, 1);
    credentials = await compareCredentials(
      client,
      [...appBindings, ...keys].map((binding) => ({ guid: binding.guid, ready: !notReady.has(binding.guid) })),
      {
        limit,
        log,
        onCredentials: (guid, read) => {
          const instanceGuid = endpointFor.get(guid);
          const endpoint = instanceGuid === undefined ? undefined : endpointFromCredentials(read);
          if (instanceGuid !== undefined && endpoint) endpoints.set(instanceGuid, endpoint);
        },
      },
    );
    progress('credentials', 1, 1);
    const unread = Object.values(credentials.notCompared).reduce((sum, n) => sum + (n ?? 0), 0);
    if (unread > 0)
      log.warn(
        { notCompared: credentials.notCompared },
        'some binding credentials could not be read: they are not compared, and an instance whose first binding is among them falls back to comparing spaces for its ASG check',
      );
  }

  const snapshot: FoundationSnapshot = {
    api,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    sharingFlagEnabled: flag.enabled,
    orgs,
    spaces,
    offerings: offerings.map((offering) => ({
      guid: offering.guid,
      name: offering.name,
      shareable: shareableForCc(offering),
    })),
    plans: [...planRecords.values()],
    instanceCounts: discovered.counts,
    sharedInstances: shared.map(({ guid, name, spaceGuid, planGuid, dashboardUrl }) => ({
      guid,
      name,
      spaceGuid,
      planGuid,
      dashboardUrl,
    })),
    shares: discovered.shares,
    appBindings,
    keys,
    ...(credentials && { credentials }),
    ...(brokerShares && { brokerShares }),
    securityGroups: groups,
  };
  return { snapshot, endpoints, requests: client.requestCount - requestsBefore };
}

/**
 * The whole collections, each row cut to what the snapshot keeps as its page is parsed: 10k full space bodies would
 * otherwise be built at once (and a larger live heap lets V8 leave more garbage uncollected).
 */
async function listCollections(client: CfClient) {
  const [flag, orgs, spaces, offerings, plans, groups] = await Promise.all([
    client.featureFlags.get('service_instance_sharing'),
    client.organizations
      .list()
      .map((org): FoundationSnapshot['orgs'][number] => ({ guid: org.guid, name: org.name }))
      .all(),
    client.spaces
      .list()
      .map((space): FoundationSnapshot['spaces'][number] => ({
        guid: space.guid,
        name: space.name,
        orgGuid: space.relationships.organization.data?.guid ?? '',
      }))
      .all(),
    client.serviceOfferings.listAll(),
    client.servicePlans.listAll(),
    client.securityGroups
      .list()
      .map((group): FoundationSnapshot['securityGroups'][number] => ({
        guid: group.guid,
        globallyRunning: group.globally_enabled.running,
        rules: group.rules,
        runningSpaceGuids: group.relationships.running_spaces.data.map((space) => space.guid),
      }))
      .all(),
  ]);
  return { flag, orgs, spaces, offerings, plans, groups };
}

/**
 * Whether CC lets instances of an offering be shared: the share action tests the broker's `metadata.shareable` with
 * Ruby truthiness, while the API's `shareable` is `== true` (cc-api.md §6). A broker that wrote "true" as a string
 * shows shareable:false yet allows sharing; it must not be reported as not shareable.
 */
function shareableForCc(offering: {
  shareable: boolean;
  broker_catalog?: { metadata?: Record<string, unknown> | null };
}): boolean {
  const raw = offering.broker_catalog?.metadata?.shareable;
  return offering.shareable || (raw !== undefined && raw !== null && raw !== false);
}

type AppBindingRow = FoundationSnapshot['appBindings'][number];
type KeyRow = FoundationSnapshot['keys'][number];

/** What the crawl reads of a binding or key. */
interface BindingRow {
  guid: string;
  name: string | null;
  type: 'app' | 'key';
  instanceGuid: string;
  appGuid: string;
  /** Its creation has not succeeded: CC holds no credentials for it yet. */
  creating: boolean;
}

/** What the crawl reads of an included app. */
interface AppRow {
  guid: string;
  name: string;
  spaceGuid: string;
}

/** Rows per page of a listing (the client's `per_page`, CC's maximum). */
const WHOLE_PAGE = 5000;

/** The members of a binding and of an included app that the crawl reads. */
const BINDING_MEMBERS: FieldSelection = {
  guid: true,
  name: true,
  type: true,
  last_operation: { type: true, state: true },
  relationships: { service_instance: { data: { guid: true } }, app: { data: { guid: true } } },
};
const APP_MEMBERS: FieldSelection = { guid: true, name: true, relationships: { space: { data: { guid: true } } } };

function toBindingRow(binding: Selected<ServiceCredentialBinding>): BindingRow {
  const operation = binding.last_operation;
  return {
    guid: binding.guid ?? '',
    name: binding.name ?? null,
    type: binding.type === 'key' ? 'key' : 'app',
    instanceGuid: binding.relationships?.service_instance?.data?.guid ?? '',
    appGuid: binding.relationships?.app?.data?.guid ?? '',
    creating: operation?.type === 'create' && operation.state !== 'succeeded',
  };
}

/**
 * App bindings (with their app's name and space, from include=app) and keys of the shared instances. One listing
 * without a `type` filter carries both kinds. Lists the whole collection when that takes no more pages than
 * guid-filtered batches would; the first page of the whole listing tells which.
 */
async function bindingsOfSharedInstances(
  client: CfClient,
  sharedGuids: readonly string[],
  batchSize: number,
  limit: ReturnType<typeof pLimit>,
): Promise<{ appBindings: AppBindingRow[]; keys: KeyRow[]; notReady: Set<string> }> {
  const appBindings: AppBindingRow[] = [];
  const keys: KeyRow[] = [];
  // Bindings and keys whose creation has not succeeded: CC holds no credentials for them yet.
  const notReady = new Set<string>();
  if (sharedGuids.length === 0) return { appBindings, keys, notReady };
  const wanted = new Set(sharedGuids);
  const take = (page: Page<BindingRow>): void => {
    const apps = new Map((page.included.apps ?? []).map((app) => [(app as AppRow).guid, app as AppRow]));
    for (const binding of page.resources) {
      const { instanceGuid } = binding;
      if (!wanted.has(instanceGuid)) continue;
      if (binding.creating) notReady.add(binding.guid);
      if (binding.type === 'key') {
        keys.push({ guid: binding.guid, name: binding.name, instanceGuid });
        continue;
      }
      const app = apps.get(binding.appGuid);
      appBindings.push({
        guid: binding.guid,
        instanceGuid,
        appGuid: binding.appGuid,
        appName: app?.name ?? binding.appGuid,
        appSpaceGuid: app?.spaceGuid ?? '',
        name: binding.name,
      });
    }
  };
  // Rows and included apps are cut down to these as each page is parsed: a 5000-binding page with its apps is
  // ~13 MB of JSON.
  const list = (query: ServiceCredentialBindingListQuery): Paginator<BindingRow> =>
    client.serviceCredentialBindings
      .list({ ...query, include: ['app'] })
      .select(BINDING_MEMBERS, { apps: APP_MEMBERS })
      .map(toBindingRow, (name, item) => {
        if (name !== 'apps') return item;
        const app = item as {
          guid: string;
          name: string;
          relationships?: { space?: { data?: { guid: string } | null } };
        };
        return { guid: app.guid, name: app.name, spaceGuid: app.relationships?.space?.data?.guid ?? '' };
      });

  const batches = Math.ceil(sharedGuids.length / batchSize);
  // Whichever takes fewer pages: the whole listing, or guid-filtered batches. One row tells how large the whole
  // listing is, where its first full page would be 5000 bindings with their apps (13 MB at 200k bindings) that
  // batching then throws away. With a single batch, nothing can take fewer.
  if (batches > 1) {
    const probe = await client.serviceCredentialBindings.list({ per_page: 1 }).pages().next();
    const wholePages = probe.done ? 0 : Math.ceil(probe.value.pagination.total_results / WHOLE_PAGE);
    if (wholePages <= batches) {
      for await (const page of list({}).pages()) take(page);
      return { appBindings, keys, notReady };
    }
  }
  const guids = [...wanted];
  await Promise.all(
    Array.from({ length: batches }, (_, index) =>
      limit(async () => {
        const batch = guids.slice(index * batchSize, (index + 1) * batchSize);
        for await (const page of list({ service_instance_guids: batch }).pages()) take(page);
      }),
    ),
  );
  return { appBindings, keys, notReady };
}
