import { describe, expect, it } from 'vitest';
import { sharedIntoBatch } from '../../src/audit/shared-instances.js';
import { splittingBatchings } from '../../src/audit/space-batches.js';

/** What CC returns for `space_guids=<batch>`: owned instances plus instances shared into the batch (cc-api.md §2). */
function listBatch(batch: string[], instances: Array<{ guid: string; owner: string; targets: string[] }>) {
  const inBatch = new Set(batch);
  return {
    spaceGuids: batch,
    instances: instances
      .filter((i) => inBatch.has(i.owner) || i.targets.some((t) => inBatch.has(t)))
      .map((i) => ({ guid: i.guid, ownerSpaceGuid: i.owner })),
  };
}

/** The shared instances that a set of listings reveal, by the crawl's rule. */
function sharedInstanceGuids(listings: Iterable<ReturnType<typeof listBatch>>): Set<string> {
  const shared = new Set<string>();
  for (const listing of listings) {
    const inBatch = new Set(listing.spaceGuids);
    for (const instance of listing.instances)
      if (sharedIntoBatch(inBatch, instance.ownerSpaceGuid)) shared.add(instance.guid);
  }
  return shared;
}

describe('sharedIntoBatch over two batchings', () => {
  const spaces = Array.from({ length: 30 }, (_, i) => `space-${i}`);
  const instances = [
    { guid: 'unshared', owner: 'space-0', targets: [] },
    // space-0 and space-1 fall in the same run batch: only the second batching can see this share.
    { guid: 'shared-inside-one-batch', owner: 'space-0', targets: ['space-1'] },
    { guid: 'shared-far', owner: 'space-3', targets: ['space-29'] },
    { guid: 'shared-many', owner: 'space-7', targets: ['space-8', 'space-20', 'space-21'] },
  ];

  it('finds every share, including one whose source and target share a batch', () => {
    const [a, b] = splittingBatchings(spaces, 200);
    const firstBatching = a.map((batch) => listBatch(batch, instances));
    // One batching alone misses the share inside its batch: that is why there are two.
    expect(sharedInstanceGuids(firstBatching).has('shared-inside-one-batch')).toBe(false);
    const found = sharedInstanceGuids([...firstBatching, ...b.map((batch) => listBatch(batch, instances))]);
    expect([...found].sort()).toEqual(['shared-far', 'shared-inside-one-batch', 'shared-many']);
  });

  it('finds nothing when nothing is shared', () => {
    const [a, b] = splittingBatchings(spaces, 200);
    const plain = [{ guid: 'x', owner: 'space-4', targets: [] }];
    expect(sharedInstanceGuids([...a, ...b].map((batch) => listBatch(batch, plain))).size).toBe(0);
  });
});
