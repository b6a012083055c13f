/**
 * Two batchings of the same spaces such that any two spaces sit in different batches in at least one of them.
 *
 * Why: `GET /v3/service_instances?space_guids=<batch>` returns the instances owned by the batch's spaces plus the
 * instances shared INTO them, and `relationships.space` always names the owner (cc-api.md §2). A returned instance
 * whose owner is outside the batch is therefore shared into the batch. A share whose owner and target sit in the
 * same batch looks like an owned instance, so one batching misses it; a second batching that splits that pair
 * sees it.
 *
 * Batching A cuts the index range into runs of `b` consecutive spaces. Batching B groups indices by their
 * remainder mod `m` with `m >= b`. Two indices that share an A batch differ by less than `b <= m`, so they cannot
 * have the same remainder mod `m`: no pair shares a batch in both. Two partitions that split every pair need at
 * least 2·√S batches in all, so `b` is √S unless the URL limit (`maxSize` guids per filter) is smaller.
 */
export function splittingBatchings<T>(items: readonly T[], maxSize: number): [T[][], T[][]] {
  if (!Number.isInteger(maxSize) || maxSize < 1)
    throw new RangeError(`batch size must be a whole number >= 1 (got ${maxSize})`);
  if (items.length <= 1) return [items.length === 1 ? [[...items]] : [], []];
  const size = Math.min(maxSize, Math.ceil(Math.sqrt(items.length)));
  const modulus = Math.max(size, Math.ceil(items.length / size));
  const byRun: T[][] = [];
  for (let start = 0; start < items.length; start += size) byRun.push(items.slice(start, start + size));
  const byRemainder: T[][] = Array.from({ length: Math.min(modulus, items.length) }, () => []);
  items.forEach((item, index) => byRemainder[index % modulus]!.push(item));
  return [byRun, byRemainder];
}
