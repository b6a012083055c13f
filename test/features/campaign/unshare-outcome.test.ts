import { describe, expect, it } from 'vitest';
import { CfApiError, NetworkError, RateLimitWaitError, UaaError } from '../../../src/client/index.js';
import { blockingReasons, classifyUnshare } from '../../../src/features/campaign/unshare-outcome.js';

const apiError = (status: number, code?: number, detail = '', headers: Record<string, string> = {}) =>
  new CfApiError({
    status,
    method: 'DELETE',
    url: 'https://api.example/v3/service_instances/si/relationships/shared_spaces/sp',
    errors: code === undefined ? [] : [{ code, title: 'CF-X', detail }],
    response: { status, headers, body: {} },
  });

// Verbatim from cc-api.md §1.2 (spec/request/service_instances_spec.rb ~4273).
const UNSHARE_FAILED =
  'Unshare of service instance failed: \n\nUnshare of service instance failed because one or more bindings could not be deleted.\n\n \tThe binding between an application and service instance my-si in space target-space is being deleted asynchronously.';

describe('classifyUnshare', () => {
  it.each([
    ['204', { status: 204 }, { kind: 'unshared' }],
    // A 404 is also what an identity that cannot see the instance gets (cc-api.md §13): only a read decides.
    ['404 CF-ResourceNotFound', apiError(404, 10010, 'Service instance not found'), { kind: 'confirm_instance_gone' }],
    ['404 without a CC code (a router, a proxy)', apiError(404), { kind: 'failed' }],
    [
      '422 unknown space',
      apiError(422, 10008, 'Unable to unshare service instance from space x. Ensure the space exists.'),
      { kind: 'confirm_space_gone' },
    ],
    [
      '422 space being deleted',
      apiError(422, 10020, 'The space is being deleted'),
      { kind: 'blocked', blockers: ['The space is being deleted'] },
    ],
    ['422 another validation', apiError(422, 10008, 'Something else is wrong'), { kind: 'failed' }],
    ['403 not allowed', apiError(403, 10003), { kind: 'failed' }],
    ['503', apiError(503, 10015), { kind: 'retry' }],
    [
      'network error (answer unknown)',
      new NetworkError({
        method: 'DELETE',
        url: 'https://api.example/x',
        code: 'ECONNRESET',
        detail: 'socket hang up',
      }),
      { kind: 'retry' },
    ],
    ["an error that is not the API's", new Error('bug'), { kind: 'failed' }],
    // A token renewal that failed for now: the send before it may have gone out, so the item is not failed.
    [
      'UAA unreachable',
      new UaaError({ message: 'cannot reach UAA', url: 'https://uaa.example/oauth/token' }),
      { kind: 'retry' },
    ],
    [
      'UAA 503',
      new UaaError({ message: 'UAA 503', status: 503, url: 'https://uaa.example/oauth/token' }),
      { kind: 'retry' },
    ],
    [
      'UAA refusing the credentials',
      new UaaError({ message: 'bad credentials', status: 401, url: 'https://uaa.example/oauth/token' }),
      { kind: 'failed' },
    ],
    [
      '429 with Retry-After',
      apiError(429, 10013, 'Rate Limit Exceeded', { 'retry-after': '42' }),
      { kind: 'rate_limited', waitMs: 42_000 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(classifyUnshare(input, 0)).toEqual(expected);
  });

  it('502 CF-ServiceInstanceUnshareFailed is blocked, with the reasons CC gave', () => {
    expect(classifyUnshare(apiError(502, 390001, UNSHARE_FAILED))).toEqual({
      kind: 'blocked',
      blockers: [
        'The binding between an application and service instance my-si in space target-space is being deleted asynchronously.',
      ],
    });
  });

  it('a long wait CC asked for pauses the queue for that long', () => {
    const error = new RateLimitWaitError({
      status: 429,
      method: 'DELETE',
      url: 'https://api.example/x',
      waitMs: 1_800_000,
      resetAt: new Date(1_800_000),
    });
    expect(classifyUnshare(error)).toEqual({ kind: 'rate_limited', waitMs: 1_800_000 });
  });
});

describe('blockingReasons', () => {
  it('splits several binding errors', () => {
    const detail =
      'Unshare of service instance failed: \n\nUnshare of service instance failed because one or more bindings could not be deleted.\n\n \tfirst reason\n\n \tsecond reason';
    expect(blockingReasons(detail)).toEqual(['first reason', 'second reason']);
  });
});
