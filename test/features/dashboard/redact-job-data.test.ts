import { describe, expect, it } from 'vitest';
import { redactJobData } from '../../../src/features/dashboard/redact-job-data.js';

describe('redactJobData', () => {
  it("cuts a notification's url and a report's notify urls to their origin, and leaves the rest as stored", () => {
    const data = {
      api: 'https://api.example.com',
      url: 'https://hooks.slack.com/services/T0/B0/SECRET',
      notify: { urls: ['https://hooks.example.com/a/SECRET?token=SECRET', 'not a url'], on: 'high' },
      args: ['report', '--since', '2d'],
    };
    expect(redactJobData(data)).toEqual({
      api: 'https://api.example.com',
      url: 'https://hooks.slack.com/REDACTED',
      notify: { urls: ['https://hooks.example.com/REDACTED', '[unparseable url]/REDACTED'], on: 'high' },
      args: ['report', '--since', '2d'],
    });
    // The job keeps its URL: workers deliver with it.
    expect(data.url).toContain('SECRET');
  });

  it('passes through data that holds no URL', () => {
    expect(redactJobData(undefined)).toBeUndefined();
    expect(redactJobData({ campaignId: 'c', itemId: 'i', n: 1 })).toEqual({ campaignId: 'c', itemId: 'i', n: 1 });
  });
});
