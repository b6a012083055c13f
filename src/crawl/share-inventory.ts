import pLimit from 'p-limit';
import type { CfClient } from '../client/index.js';
import { silentLogger, type Logger } from '../log.js';
import { discoverShares } from './discover-shares.js';

/** One share edge with the names of both places. */
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
  /** Requests this crawl sent. */
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

/** Orgs, spaces and every share, with names: the demo's and the `crawl` job's view of a foundation. */
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
  const discovered = await discoverShares(client, spaces.map((space) => space.guid), { limit, spaceBatchSize: options.spaceBatchSize ?? 200, log });

  const orgName = new Map(orgs.map((org) => [org.guid, org.name]));
  const places = new Map(
    spaces.map((space) => {
      const orgGuid = space.relationships.organization.data?.guid;
      return [space.guid, { space: space.name, orgGuid, org: orgGuid === undefined ? undefined : orgName.get(orgGuid) }];
    }),
  );
  const shares = discovered.shares.map(({ instanceGuid, targetSpaceGuid }): ShareEdge => {
    const instance = discovered.instances.get(instanceGuid)!;
    const source = places.get(instance.spaceGuid);
    const target = places.get(targetSpaceGuid);
    return {
      instanceGuid,
      instanceName: instance.name,
      sourceSpaceGuid: instance.spaceGuid,
      sourceSpace: source?.space,
      sourceOrgGuid: source?.orgGuid,
      sourceOrg: source?.org,
      targetSpaceGuid,
      targetSpace: target?.space,
      targetOrgGuid: target?.orgGuid,
      targetOrg: target?.org,
    };
  });

  let managed = 0;
  for (const instance of discovered.instances.values()) if (instance.managed) managed += 1;
  return {
    sharingFlagEnabled: flag.enabled,
    orgs: orgs.length,
    spaces: spaces.length,
    instances: discovered.instances.size,
    managedInstances: managed,
    sharedInstances: discovered.sharedGuids.length,
    shares,
    requests: client.requestCount - requestsBefore,
  };
}
