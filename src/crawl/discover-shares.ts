import type pLimit from 'p-limit';
import type { CfClient, ServiceInstance } from '../client/index.js';
import { splittingBatchings } from '../audit/space-batches.js';
import { sharedInstanceGuids, type BatchListing } from '../audit/shared-instances.js';
import type { Logger } from '../log.js';

/** What the crawl keeps of an instance: a full body is kilobytes, and a foundation holds 100k of them. */
export interface InstanceRecord {
  readonly guid: string;
  readonly name: string;
  readonly managed: boolean;
  readonly spaceGuid: string;
  readonly planGuid: string | null;
  readonly dashboardUrl: string | null;
}

export interface DiscoveredShares {
  /** Every instance of the foundation, by guid. */
  readonly instances: ReadonlyMap<string, InstanceRecord>;
  /** Guids of shared instances, sorted. */
  readonly sharedGuids: readonly string[];
  /** Every share edge, by instance then in CC's order of target spaces. */
  readonly shares: ReadonlyArray<{ instanceGuid: string; targetSpaceGuid: string }>;
}

/**
 * Finds every share with the fewest requests: two batchings of `space_guids`-filtered instance listings that
 * together reveal every shared instance (see `splittingBatchings`), then one `shared_spaces` read per shared
 * instance only (cc-api.md §1.3, §2). A shared instance's read is queued as soon as a listing reveals it, ahead of
 * the next listing: the reads fill the slots the listings leave, and their garbage is collected with the listings'.
 */
export async function discoverShares(
  client: CfClient,
  spaceGuids: readonly string[],
  options: {
    limit: ReturnType<typeof pLimit>;
    spaceBatchSize: number;
    log: Logger;
    onProgress?: (phase: 'listings' | 'shared_spaces', done: number, total: number) => void;
    /** Once aborted, queues no more listings or reads (the caller clears what `limit` has queued). */
    signal?: AbortSignal;
  },
): Promise<DiscoveredShares> {
  const { limit, log, signal } = options;
  const [byRun, byRemainder] = splittingBatchings(spaceGuids, options.spaceBatchSize);
  let listed = 0;
  const listings = byRun.length + byRemainder.length;
  const instances = new Map<string, InstanceRecord>();
  // One string per space and per plan, shared by every record that names it (100k records would otherwise hold a
  // copy each, as each page's JSON.parse makes its own).
  const spaceGuidOf = new Map(spaceGuids.map((guid) => [guid, guid]));
  const planGuidOf = new Map<string, string>();
  const interned = (known: Map<string, string>, guid: string): string => {
    const kept = known.get(guid);
    if (kept !== undefined) return kept;
    known.set(guid, guid);
    return guid;
  };
  // Each listing is reduced to its shared guids as soon as it ends, and each new one's read is queued: only the
  // records and the reads outlive the listing.
  const reads = new Map<string, Promise<string[]>>();
  let read = 0;
  let listingsDone = false;
  const readSharedSpaces = (guid: string): Promise<string[]> =>
    limit(async () => {
      const spaces = (await client.serviceInstances.listSharedSpaces(guid)).data.map((space) => space.guid);
      read += 1;
      if (listingsDone) options.onProgress?.('shared_spaces', read, reads.size);
      return spaces;
    });
  // A row becomes its record as its page is parsed: a page's full rows (kilobytes each) never exist at once.
  const toRecord = (instance: ServiceInstance): InstanceRecord => {
    const planGuid = instance.relationships.service_plan?.data?.guid;
    return {
      guid: instance.guid,
      name: instance.name,
      managed: instance.type === 'managed',
      spaceGuid: interned(spaceGuidOf, instance.relationships.space.data?.guid ?? ''),
      planGuid: planGuid === undefined ? null : interned(planGuidOf, planGuid),
      dashboardUrl: instance.dashboard_url ?? null,
    };
  };
  const listBatch = async (batch: string[], type?: 'managed'): Promise<void> => {
    const found: BatchListing['instances'][number][] = [];
    const rows = client.serviceInstances.list({ space_guids: batch, ...(type && { type }) }).map(toRecord);
    for await (const row of rows) {
      const record = instances.get(row.guid) ?? row;
      if (record === row) instances.set(row.guid, row);
      found.push({ guid: record.guid, ownerSpaceGuid: record.spaceGuid });
    }
    for (const guid of sharedInstanceGuids([{ spaceGuids: batch, instances: found }])) {
      if (reads.has(guid) || signal?.aborted) continue;
      const reading = readSharedSpaces(guid);
      // Awaited once the listings end; until then a failed read must not count as unhandled.
      reading.catch(() => undefined);
      reads.set(guid, reading);
    }
    options.onProgress?.('listings', ++listed, listings);
  };
  // The first batching lists every instance (each shows up with its owner's batch), so it also gives the totals;
  // the second needs only managed ones, since user-provided instances cannot be shared (cc-api.md §1.1).
  const queue: Array<[string[], 'managed' | undefined]> = [
    ...byRun.map((batch): [string[], undefined] => [batch, undefined]),
    ...byRemainder.map((batch): [string[], 'managed'] => [batch, 'managed']),
  ];
  // As many lanes as `limit` has slots, each queueing its next listing when its last one ends (so behind the reads
  // that listing revealed), instead of every listing queued up front ahead of every read.
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length && !signal?.aborted) {
      const [batch, type] = queue[next++]!;
      await limit(() => listBatch(batch, type));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit.concurrency, queue.length)) }, lane));
  listingsDone = true;
  const sharedGuids = [...reads.keys()].sort();
  log.info({ instances: instances.size, sharedInstances: sharedGuids.length }, 'found shared instances');
  if (sharedGuids.length > 0) options.onProgress?.('shared_spaces', read, sharedGuids.length);
  const targets = await Promise.all(sharedGuids.map((guid) => reads.get(guid)!));
  const shares = sharedGuids.flatMap((instanceGuid, index) =>
    targets[index]!.map((targetSpaceGuid) => ({ instanceGuid, targetSpaceGuid })),
  );
  return { instances, sharedGuids, shares };
}
