import { describe, expect, it } from 'vitest';
import { splittingBatchings } from '../../src/audit/space-batches.js';

function batchOf(batching: number[][]): Map<number, number> {
  const owner = new Map<number, number>();
  batching.forEach((batch, index) => batch.forEach((item) => owner.set(item, index)));
  return owner;
}

describe('splittingBatchings', () => {
  it.each([
    [2, 200],
    [3, 200],
    [20, 200],
    [101, 10],
    [1000, 200],
    [997, 7],
    [5000, 50],
    [10_000, 200],
  ])('splits every pair of %i spaces (max %i per batch) in at least one batching', (count, maxSize) => {
    const items = Array.from({ length: count }, (_, i) => i);
    const [a, b] = splittingBatchings(items, maxSize);
    for (const batching of [a, b]) {
      expect(batching.flat().sort((x, y) => x - y)).toEqual(items);
      for (const batch of batching) expect(batch.length).toBeLessThanOrEqual(maxSize);
    }
    const inA = batchOf(a);
    const inB = batchOf(b);
    // Checking all pairs of 10k items is 50M comparisons; sample systematically above 2000.
    const step = count > 2000 ? 7 : 1;
    for (let x = 0; x < count; x += step) {
      for (let y = x + 1; y < count; y++) {
        if (inA.get(x) === inA.get(y) && inB.get(x) === inB.get(y)) throw new Error(`pair ${x},${y} is never split`);
      }
    }
  });

  it('needs about 2·√S batches when the URL limit allows it', () => {
    const [a, b] = splittingBatchings(
      Array.from({ length: 10_000 }, (_, i) => i),
      200,
    );
    expect(a.length + b.length).toBe(200);
  });

  it('handles no spaces and one space', () => {
    expect(splittingBatchings([], 10)).toEqual([[], []]);
    expect(splittingBatchings(['s'], 10)).toEqual([[['s']], []]);
  });

  it('rejects a batch size that is not a positive whole number', () => {
    expect(() => splittingBatchings([1, 2], 0)).toThrow(/batch size/);
  });
});
