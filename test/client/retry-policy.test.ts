import { describe, expect, it } from 'vitest';
import {
  computeRetryDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  isRetryableUnreadableAnswer,
} from '../../src/client/retry-policy.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const base = { now: NOW, baseMs: 500, capMs: 30_000, random: 0.5 };

describe('computeRetryDelay (pure, no timers)', () => {
  it.each([
    {
      description: 'Retry-After seconds',
      input: { attempt: 0, retryAfter: '7' },
      expected: { delayMs: 7000, source: 'retry-after' },
    },
    {
      description: 'Retry-After fractional seconds (broker limiter)',
      input: { attempt: 0, retryAfter: '1.5' },
      expected: { delayMs: 1500, source: 'retry-after' },
    },
    {
      description: 'Retry-After HTTP-date',
      input: { attempt: 0, retryAfter: 'Sun, 22 Nov 2026 12:00:30 GMT' },
      expected: { delayMs: 30_000, source: 'retry-after' },
    },
    {
      description: 'Retry-After date in the past',
      input: { attempt: 0, retryAfter: 'Sun, 22 Nov 2026 11:00:00 GMT' },
      expected: { delayMs: 0, source: 'retry-after' },
    },
    {
      description: 'Retry-After wins over X-RateLimit-Reset',
      input: { attempt: 0, retryAfter: '2', rateLimitReset: String(NOW / 1000 + 100) },
      expected: { delayMs: 2000, source: 'retry-after' },
    },
    {
      description: 'X-RateLimit-Reset epoch seconds',
      input: { attempt: 3, rateLimitReset: String(NOW / 1000 + 90) },
      expected: { delayMs: 90_000, source: 'rate-limit-reset' },
    },
    {
      description: 'garbage Retry-After falls back to backoff',
      input: { attempt: 0, retryAfter: 'soon' },
      expected: { delayMs: 375, source: 'backoff' },
    },
    {
      description: 'backoff attempt 0 (equal jitter: 250 + 0.5*250)',
      input: { attempt: 0 },
      expected: { delayMs: 375, source: 'backoff' },
    },
    { description: 'backoff attempt 3', input: { attempt: 3 }, expected: { delayMs: 3000, source: 'backoff' } },
    { description: 'backoff is capped', input: { attempt: 20 }, expected: { delayMs: 22_500, source: 'backoff' } },
  ])('$description', ({ input, expected }) => {
    expect(computeRetryDelay({ ...base, ...input })).toEqual(expected);
  });

  it('jitter stays within [half, full] of the exponential step', () => {
    expect(computeRetryDelay({ ...base, attempt: 2, random: 0 }).delayMs).toBe(1000);
    expect(computeRetryDelay({ ...base, attempt: 2, random: 0.999999 }).delayMs).toBe(2000);
  });
});

describe('retry policy data', () => {
  it.each([
    [429, undefined, true],
    [500, undefined, true],
    [502, undefined, true],
    [502, 390001, false],
    [503, 10015, true],
    [504, undefined, true],
    [400, undefined, false],
    [401, 1000, false],
    [403, undefined, false],
    [404, 10010, false],
    [422, 10008, false],
  ])('status %i code %s → retryable %s', (status, code, expected) => {
    expect(isRetryableStatus(status, code)).toBe(expected);
  });

  it.each([
    ['ECONNRESET', 'GET', true],
    ['ETIMEDOUT', 'DELETE', true],
    ['ECONNREFUSED', 'POST', true],
    ['ECONNRESET', 'POST', false],
    ['ENOTFOUND', 'GET', false],
    [undefined, 'GET', false],
  ])('network %s on %s → retryable %s', (code, method, expected) => {
    expect(isRetryableNetworkError(code, method)).toBe(expected);
  });

  it.each([
    ['ECONNRESET', 'POST', true, true],
    ['ETIMEDOUT', 'POST', true, true],
    ['ENOTFOUND', 'POST', true, false],
    ['ECONNRESET', 'DELETE', false, false],
    ['ECONNREFUSED', 'DELETE', false, true],
  ])('network %s on %s flagged idempotent=%s → retryable %s', (code, method, idempotent, expected) => {
    expect(isRetryableNetworkError(code, method, idempotent)).toBe(expected);
  });

  it.each([
    ['GET', undefined, true],
    ['DELETE', undefined, false],
    ['PATCH', undefined, false],
    ['POST', undefined, false],
    ['POST', true, true],
    ['GET', false, false],
  ] as const)('unreadable 2xx answer on %s (idempotent=%s) → retryable %s', (method, idempotent, expected) => {
    expect(isRetryableUnreadableAnswer(method, idempotent)).toBe(expected);
  });
});
