import { describe, expect, it } from 'vitest';
import { notifyOrigin, redactNotifyWords, resolveNotifyUrls } from '../../../src/config/notify-urls.js';
import { UsageError } from '../../../src/usage-error.js';

describe('resolveNotifyUrls', () => {
  const env = { CF_SHARES_NOTIFY_URL: 'https://a.example/x, https://b.example/y,,' };

  it('takes the flags over the environment, and the comma-separated environment otherwise', () => {
    expect(resolveNotifyUrls(['https://c.example/z'], env)).toEqual(['https://c.example/z']);
    expect(resolveNotifyUrls(undefined, env)).toEqual(['https://a.example/x', 'https://b.example/y']);
    expect(resolveNotifyUrls([], {})).toEqual([]);
  });

  it('drops repeats, so one URL gets one notification', () => {
    expect(resolveNotifyUrls(['https://c.example/z', 'https://c.example/z'], {})).toEqual(['https://c.example/z']);
  });

  it('refuses a URL that is not http(s), naming its position and never its text', () => {
    const attempt = () => resolveNotifyUrls(['https://ok.example', 'ftp://x.example/secretTOKEN'], {});
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('--notify URL number 2 is not an http(s) URL');
    expect(() => resolveNotifyUrls(undefined, { CF_SHARES_NOTIFY_URL: 'not a url' })).toThrow(
      'CF_SHARES_NOTIFY_URL URL number 1 is not an http(s) URL',
    );
  });
});

describe('redaction', () => {
  it('an origin keeps scheme, host and port only', () => {
    expect(notifyOrigin('https://user:pw@hooks.slack.com:8443/services/T/B/tok?x=1')).toBe(
      'https://hooks.slack.com:8443',
    );
    expect(notifyOrigin('::')).toBe('[unparseable url]');
  });

  it('schedule words show each --notify as its origin', () => {
    expect(
      redactNotifyWords([
        'report',
        '--notify',
        'https://h.example/T/B/tok',
        '--notify=https://i.example/p',
        '--keep',
        '3',
        'https://j.example/second/tok',
      ]),
    ).toEqual([
      'report',
      '--notify',
      'https://h.example/REDACTED',
      '--notify=https://i.example/REDACTED',
      '--keep',
      '3',
      'https://j.example/REDACTED',
    ]);
  });
});
