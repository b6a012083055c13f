/** What one `space_guids`-filtered listing of service instances showed. */
export interface BatchListing {
  /** The space guids the listing was filtered by. */
  readonly spaceGuids: readonly string[];
  /** Every instance returned, with the space that owns it (`relationships.space`, always the source). */
  readonly instances: ReadonlyArray<{ readonly guid: string; readonly ownerSpaceGuid: string }>;
}

/**
 * The guids of instances shared into at least one space, from batch listings. An instance returned for a batch
 * that does not hold its owner can only be there because it is shared into that batch (cc-api.md §2).
 */
export function sharedInstanceGuids(listings: Iterable<BatchListing>): Set<string> {
  const shared = new Set<string>();
  for (const listing of listings) {
    const inBatch = new Set(listing.spaceGuids);
    for (const instance of listing.instances) {
      if (sharedIntoBatch(inBatch, instance.ownerSpaceGuid)) shared.add(instance.guid);
    }
  }
  return shared;
}

/** Whether an instance a batch's listing returned is there because it is shared into the batch. */
export function sharedIntoBatch(batch: ReadonlySet<string>, ownerSpaceGuid: string): boolean {
  return !batch.has(ownerSpaceGuid);
}
