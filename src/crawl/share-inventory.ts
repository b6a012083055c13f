import pLimit from 'p-limit';
import type { CfClient } from '../client/index.js';
import { splittingBatchings } from '../audit/space-batches.js';
import { sharedInstanceGuids, type BatchListing } from '../audit/shared-instances.js';
import { silentLogger, type Logger } from '../log.js';

/** One share edge: an instance owned by a source space, shared into a target space. */
export interface ShareEdge {
  readonly instanceGuid: string;
  readonly instanceName: string;
  readonly sourceSpaceGuid: string;
  readonly sourceSpace: string | undefined;
  readonly sourceOrgGuid: string | undefined;
  readonly sourceOrg: string | undefined;
  readonly targetSpaceGuid: string;
  readonly targetSpace: string | undefined;
  readonly targetOrgGuid: string | undefined;
  readonly targetOrg: string | undefined;
}

/** What a first crawl of a foundation learns about sharing. */
export interface ShareInventory {
  readonly sharingFlagEnabled: boolean;
  readonly orgs: number;
  readonly spaces: number;
  readonly instances: number;
  readonly managedInstances: number;
  readonly sharedInstances: number;
  readonly shares: readonly ShareEdge[];
  /** CC requests this crawl sent (token requests excluded). */
  readonly requests: number;
}

export interface ShareInventoryOptions {
  /** Spaces per `space_guids` filter; keeps URLs short. @defaultValue 200 */
  spaceBatchSize?: number;
  /** Listings and shared-space reads in flight at once (the client's pacing still applies). @defaultValue 8 */
  concurrency?: number;
  /** @defaultValue silentLogger */
  log?: Logger;
}

/**
 * Finds every share on the foundation with the fewest requests: orgs and spaces at per_page 5000, then two
 * batchings of `space_guids`-filtered instance listings that together reveal every shared instance (see
 * `splittingBatchings`), then one `shared_spaces` read per shared instance only.
 */
export async function crawlShareInventory(client: CfClient, options: ShareInventoryOptions = {}): Promise<ShareInventory> {
  const log = options.log ?? silentLogger;
  const limit = pLimit(options.concurrency ?? 8);
  const requestsBefore = client.requestCount;

  const [flag, orgs, spaces] = await Promise.all([
    client.featureFlags.get('service_instance_sharing'),
    client.organizations.listAll(),
    client.spaces.listAll(),
  ]);
  log.info({ orgs: orgs.length, spaces: spaces.length, sharingFlagEnabled: flag.enabled }, 'listed orgs and spaces');
  const orgOfSpace = new Map(spaces.map((space) => [space.guid, space.relationships.organization.data?.guid]));
  const spaceName = new Map(spaces.map((space) => [space.guid, space.name]));
  const orgName = new Map(orgs.map((org) => [org.guid, org.name]));
  const place = (spaceGuid: string) => {
    const orgGuid = orgOfSpace.get(spaceGuid);
    return { spaceGuid, space: spaceName.get(spaceGuid), orgGuid, org: orgGuid === undefined ? undefined : orgName.get(orgGuid) };
  };

  const [byRun, byRemainder] = splittingBatchings(
    spaces.map((space) => space.guid),
    options.spaceBatchSize ?? 200,
  );
  // Only what the inventory needs: a full instance body is kilobytes, and a foundation holds 100k of them.
  const instances = new Map<string, { name: string; managed: boolean; ownerSpaceGuid: string }>();
  const listBatch = async (batch: string[], type?: 'managed'): Promise<BatchListing> => {
    const found = await client.serviceInstances.listAll({ space_guids: batch, ...(type && { type }) });
    return {
      spaceGuids: batch,
      instances: found.map((instance) => {
        const ownerSpaceGuid = instance.relationships.space.data?.guid ?? '';
        instances.set(instance.guid, { name: instance.name, managed: instance.type === 'managed', ownerSpaceGuid });
        return { guid: instance.guid, ownerSpaceGuid };
      }),
    };
  };
  // The first batching lists every instance (each shows up with its owner's batch), so it also gives the totals;
  // the second only needs managed ones, since user-provided instances cannot be shared (cc-api.md §1.1).
  const listings = await Promise.all([
    ...byRun.map((batch) => limit(() => listBatch(batch))),
    ...byRemainder.map((batch) => limit(() => listBatch(batch, 'managed'))),
  ]);
  const shared = [...sharedInstanceGuids(listings)].sort();
  log.info({ instances: instances.size, sharedInstances: shared.length }, 'found shared instances');

  const shares = (
    await Promise.all(
      shared.map((guid) =>
        limit(async (): Promise<ShareEdge[]> => {
          const instance = instances.get(guid)!;
          const source = place(instance.ownerSpaceGuid);
          const relationship = await client.serviceInstances.listSharedSpaces(guid);
          return relationship.data.map(({ guid: targetSpaceGuid }) => {
            const target = place(targetSpaceGuid);
            return {
              instanceGuid: guid,
              instanceName: instance.name,
              sourceSpaceGuid: source.spaceGuid,
              sourceSpace: source.space,
              sourceOrgGuid: source.orgGuid,
              sourceOrg: source.org,
              targetSpaceGuid: target.spaceGuid,
              targetSpace: target.space,
              targetOrgGuid: target.orgGuid,
              targetOrg: target.org,
            };
          });
        }),
      ),
    )
  ).flat();

  let managed = 0;
  for (const instance of instances.values()) if (instance.managed) managed += 1;
  return {
    sharingFlagEnabled: flag.enabled,
    orgs: orgs.length,
    spaces: spaces.length,
    instances: instances.size,
    managedInstances: managed,
    sharedInstances: shared.length,
    shares,
    requests: client.requestCount - requestsBefore,
  };
}
