import type pLimit from 'p-limit';
import type { CfClient, FieldSelection, Selected, ServiceInstance } from '../client/index.js';
import { splittingBatchings } from '../audit/space-batches.js';
import { sharedIntoBatch } from '../audit/shared-instances.js';
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

/** The members of an instance that its record is made of. */
const RECORD_MEMBERS: FieldSelection = {
  guid: true,
  name: true,
  type: true,
  dashboard_url: true,
  relationships: { space: { data: { guid: true } }, service_plan: { data: { guid: true } } },
};

export interface DiscoveredShares {
  /**
   * The records the report needs, by guid: every shared instance, and every instance `keep` asked for. The other
   * instances of the foundation are only counted: a record of each of 100k instances, held through the listings, was
   * half the crawl's live heap.
   */
  readonly instances: ReadonlyMap<string, InstanceRecord>;
  /** Instances of the foundation, each counted once (see `discoverShares`). */
  readonly counts: { readonly all: number; readonly managed: number };
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
    /** Instances whose records are kept although they are not shared (broker-level share candidates). */
    keep?: (record: InstanceRecord) => boolean;
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
  // A space not listed (created during the crawl) is not added: the count below tells listed spaces by this map.
  const ownerGuid = (guid: string): string => spaceGuidOf.get(guid) ?? guid;
  const interned = (known: Map<string, string>, guid: string): string => {
    const kept = known.get(guid);
    if (kept !== undefined) return kept;
    known.set(guid, guid);
    return guid;
  };
  // Each row is decided as it is parsed, and a newly revealed shared instance's read is queued then: only the kept
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
  // A row becomes its record as its page is parsed, from its few selected members: the rest of the row (kilobytes)
  // is never decoded.
  const toRecord = (instance: Selected<ServiceInstance>): InstanceRecord => {
    const planGuid = instance.relationships?.service_plan?.data?.guid;
    return {
      guid: instance.guid ?? '',
      name: instance.name ?? '',
      managed: instance.type === 'managed',
      spaceGuid: ownerGuid(instance.relationships?.space?.data?.guid ?? ''),
      planGuid: planGuid === undefined ? null : interned(planGuidOf, planGuid),
      dashboardUrl: instance.dashboard_url ?? null,
    };
  };
  // Counted from the first batching, which partitions the spaces: each instance is one of its owner batch's rows
  // there, whatever else it shows up in. An instance whose owner space was not listed (one created during the crawl)
  // is counted when a listing reveals it shared into a listed space.
  const counts = { all: 0, managed: 0 };
  const count = (managed: boolean): void => {
    counts.all += 1;
    if (managed) counts.managed += 1;
  };
  const listBatch = async (batch: string[], type?: 'managed'): Promise<void> => {
    const inBatch = new Set(batch);
    const rows = client.serviceInstances
      .list({ space_guids: batch, ...(type && { type }) })
      .select(RECORD_MEMBERS)
      .map(toRecord);
    // Page by page, each page's rows in a plain loop: an async iteration per row costs a promise and a result each.
    for await (const page of rows.pages())
      for (const record of page.resources) {
        const owned = !sharedIntoBatch(inBatch, record.spaceGuid);
        if (owned) {
          if (type === undefined) count(record.managed);
          if (options.keep?.(record) && !instances.has(record.guid)) instances.set(record.guid, record);
          continue;
        }
        if (!spaceGuidOf.has(record.spaceGuid) && !instances.has(record.guid)) count(record.managed);
        if (!instances.has(record.guid)) instances.set(record.guid, record);
        if (reads.has(record.guid) || signal?.aborted) continue;
        const reading = readSharedSpaces(record.guid);
        // Awaited once the listings end; until then a failed read must not count as unhandled.
        reading.catch(() => undefined);
        reads.set(record.guid, reading);
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
  log.info({ instances: counts.all, sharedInstances: sharedGuids.length }, 'found shared instances');
  if (sharedGuids.length > 0) options.onProgress?.('shared_spaces', read, sharedGuids.length);
  const targets = await Promise.all(sharedGuids.map((guid) => reads.get(guid)!));
  const shares = sharedGuids.flatMap((instanceGuid, index) =>
    targets[index]!.map((targetSpaceGuid) => ({ instanceGuid, targetSpaceGuid })),
  );
  return { instances, counts, sharedGuids, shares };
}
