import { describe, expect, it } from 'vitest';
import {
  CfApiError,
  JobFailedError,
  JobTimeoutError,
  MalformedResponseError,
  NetworkError,
  UaaError,
} from '../../../src/client/index.js';
import {
  classifyBrokerJob,
  classifyBrokerUpdate,
  unshareParameters,
  verifyOriginal,
} from '../../../src/features/campaign/broker-outcome.js';

const apiError = (status: number, code?: number, detail = '', title = 'CF-X', headers: Record<string, string> = {}) =>
  new CfApiError({
    status,
    method: 'PATCH',
    url: 'https://api.example/v3/service_instances/si',
    errors: code === undefined ? [] : [{ code, title, detail }],
    response: { status, headers, body: {} },
  });

const failedJob = (code: number, title: string, detail: string) =>
  new JobFailedError({
    jobGuid: 'job-1',
    operation: 'service_instance.update',
    errors: [{ code, title, detail }],
    url: 'https://api.example/v3/jobs/job-1',
  });

describe('classifyBrokerUpdate: the answer to PATCH of the original with unshare parameters', () => {
  it.each([
    ['202 with a job', { status: 202, requestId: 'r', jobGuid: 'j' }, { kind: 'accepted' }],
    ['200 without a job', { status: 200, requestId: 'r', jobGuid: null }, { kind: 'accepted' }],
    [
      '409 operation in progress',
      apiError(409, 60016, 'An operation for service instance x is in progress.'),
      { kind: 'blocked', reason: 'An operation for service instance x is in progress.' },
    ],
    ['409 without a detail', apiError(409, 90008, ''), { kind: 'blocked', reason: 'CF-X' }],
    ['404 CF-ResourceNotFound', apiError(404, 10010, 'Service instance not found'), { kind: 'confirm_original_gone' }],
    ['404 CF-ServiceInstanceNotFound', apiError(404, 60004, 'not found'), { kind: 'confirm_original_gone' }],
    ['404 without a CC code (a router)', apiError(404), { kind: 'failed' }],
    ['502 from the broker', apiError(502, 10001, 'bad gateway'), { kind: 'retry' }],
    ['503', apiError(503, 10015), { kind: 'retry' }],
    ['403', apiError(403, 10003), { kind: 'failed' }],
    ['422', apiError(422, 10008, 'Unknown field(s)'), { kind: 'failed' }],
    ['429', apiError(429, 10013, 'Rate Limit Exceeded'), { kind: 'rate_limited' }],
    [
      'no answer',
      new NetworkError({ method: 'PATCH', url: 'https://api.example/x', code: 'ECONNRESET', detail: 'reset' }),
      { kind: 'retry' },
    ],
    ['something unexpected', new Error('bug'), { kind: 'failed' }],
  ])('%s', (_name, answer, verdict) => {
    expect(classifyBrokerUpdate(answer)).toEqual(verdict);
  });

  it('retries a 2xx whose body was cut short: there is no job guid to follow', () => {
    const cut = new MalformedResponseError({
      method: 'PATCH',
      url: 'https://api.example/v3/service_instances/si',
      status: 202,
      reason: 'truncated',
    });
    expect(classifyBrokerUpdate(cut)).toEqual({ kind: 'retry' });
  });

  it('retries when the token could not be renewed for now (UAA down or 5xx), fails when UAA refuses the credentials', () => {
    const url = 'https://uaa.example/oauth/token';
    expect(classifyBrokerUpdate(new UaaError({ message: 'down', url }))).toEqual({ kind: 'retry' });
    expect(classifyBrokerUpdate(new UaaError({ message: '502', status: 502, url }))).toEqual({ kind: 'retry' });
    expect(classifyBrokerUpdate(new UaaError({ message: 'no', status: 401, url }))).toEqual({ kind: 'failed' });
  });
});

describe('classifyBrokerJob: what polling the update job ended with', () => {
  it('COMPLETE', () => {
    expect(classifyBrokerJob({ guid: 'job-1', state: 'COMPLETE', errors: [] })).toEqual({ kind: 'complete' });
  });
  it('still polling after the wait', () => {
    expect(classifyBrokerJob(new JobTimeoutError('job-1', 'POLLING', 1000))).toEqual({
      kind: 'still_running',
      state: 'POLLING',
    });
  });
  it('FAILED because another operation was in progress: blocked', () => {
    expect(classifyBrokerJob(failedJob(60016, 'CF-AsyncServiceInstanceOperationInProgress', 'busy'))).toEqual({
      kind: 'blocked',
      reason: 'busy',
    });
    expect(
      classifyBrokerJob(failedJob(10009, 'CF-UnableToPerform', 'update could not be completed: in progress')),
    ).toMatchObject({ kind: 'blocked' });
  });
  it('FAILED because the instance is gone: confirm', () => {
    expect(
      classifyBrokerJob(failedJob(10010, 'CF-ResourceNotFound', 'The service instance could not be found')),
    ).toEqual({ kind: 'confirm_original_gone' });
  });
  it("FAILED with the broker's error: failed, with its words", () => {
    expect(
      classifyBrokerJob(failedJob(10009, 'CF-UnableToPerform', 'update could not be completed: broker says no')),
    ).toEqual({ kind: 'failed', reason: 'update could not be completed: broker says no' });
  });
  it('anything else fails with its name', () => {
    expect(classifyBrokerJob(new Error('odd'))).toEqual({ kind: 'failed', reason: 'Error: odd' });
    expect(classifyBrokerJob(undefined)).toEqual({ kind: 'failed', reason: 'undefined' });
  });
});

describe('verifyOriginal: the read of the original after the job', () => {
  const op = (type: 'create' | 'update' | 'delete', state: 'in progress' | 'succeeded' | 'failed') => ({
    type,
    state,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:05Z',
  });
  it('update succeeded confirms that the broker accepted it, and claims nothing about the proxies', () => {
    const verified = verifyOriginal(op('update', 'succeeded'));
    expect(verified.confirmed).toBe(true);
    expect(verified.text).toMatch(/^the broker accepted the unshare \(last_operation update succeeded at/);
    expect(verified.text).toMatch(/whether each proxy lost access is the broker's to say/);
    expect(verified.text).not.toMatch(/revoked|no access/);
  });
  it.each([
    ['an update in progress', op('update', 'in progress')],
    ['a failed update', op('update', 'failed')],
    ['a create', op('create', 'succeeded')],
  ])('%s does not confirm', (_name, lastOperation) => {
    expect(verifyOriginal(lastOperation)).toMatchObject({ confirmed: false });
  });
  it('no last operation does not confirm', () => {
    expect(verifyOriginal(null)).toEqual({ confirmed: false, text: 'the original has no last operation' });
  });
});

describe('unshareParameters', () => {
  it('per original: every region, every proxy', () => {
    expect(unshareParameters({ landscape: '*' })).toEqual({ unshare: { landscape: '*' } });
  });
  it('per proxy: names it', () => {
    expect(unshareParameters({ landscape: '*', proxyServiceGuid: 'p1' })).toEqual({
      unshare: { landscape: '*', proxyServiceGuid: 'p1' },
    });
  });
});
