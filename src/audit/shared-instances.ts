/**
 * Whether an instance that a `space_guids`-filtered listing returned is there because it is shared into the batch:
 * the listing returns the instances the batch's spaces own plus those shared into them, and `relationships.space`
 * always names the owner (cc-api.md §2), so one whose owner is outside the batch can only be shared into it.
 */
export function sharedIntoBatch(batch: ReadonlySet<string>, ownerSpaceGuid: string): boolean {
  return !batch.has(ownerSpaceGuid);
}
