import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/client/index.js';
import { ccCodeOf, errorItems, header, pickHeaders, shortMessage, statusText } from '../../src/client/answer.js';

const at = (code: string | undefined, detail = 'x') =>
  new NetworkError({ method: 'GET', url: 'https://api.example.org/v3/spaces', code, detail }).message;

describe('NetworkError says what a person can act on', () => {
  it.each([
    [
      'ECONNREFUSED',
      'cannot reach https://api.example.org: connection refused (nothing listens there; check the API URL) [ECONNREFUSED]',
    ],
    ['ENOTFOUND', 'cannot reach https://api.example.org: host not found (check the API URL) [ENOTFOUND]'],
    ['EHOSTUNREACH', 'cannot reach https://api.example.org: host unreachable [EHOSTUNREACH]'],
    ['ETIMEDOUT', 'GET /v3/spaces on https://api.example.org failed: no answer in time [ETIMEDOUT]'],
    [
      'ECONNRESET',
      'GET /v3/spaces on https://api.example.org failed: the server closed the connection without an HTTP answer (is this a Cloud Controller API?) [ECONNRESET]',
    ],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'cannot reach https://api.example.org: its TLS certificate is self-signed (--skip-ssl-validation trusts it) [DEPTH_ZERO_SELF_SIGNED_CERT]',
    ],
    ['CERT_HAS_EXPIRED', 'cannot reach https://api.example.org: its TLS certificate has expired [CERT_HAS_EXPIRED]'],
  ])('%s', (code, message) => {
    expect(at(code)).toBe(message);
  });

  it('turns OpenSSL text into a hint, and keeps only the first line of anything it does not know', () => {
    expect(
      at('EPROTO', 'write EPROTO 80ACD1:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps'),
    ).toBe('cannot reach https://api.example.org: the server does not speak TLS on this port (try http://) [EPROTO]');
    expect(at('EPROTO', 'handshake failure')).toBe(
      'cannot reach https://api.example.org: TLS handshake failed (does the server speak TLS on this port? try http://) [EPROTO]',
    );
    expect(at('ESOMETHING', 'first line\nsecond line')).toBe(
      'GET /v3/spaces on https://api.example.org failed: first line',
    );
    expect(at(undefined, 'socket gone')).toBe('GET /v3/spaces on https://api.example.org failed: socket gone');
  });
});

describe('answer helpers', () => {
  it('reads the v3 and the v2 error envelopes, and nothing else', () => {
    expect(errorItems({ errors: [{ detail: 'd', title: 'CF-X', code: 10010 }, 'junk'] })).toEqual([
      { detail: 'd', title: 'CF-X', code: 10010 },
    ]);
    expect(errorItems({ description: 'gone', error_code: 'CF-NotFound', code: 10000 })).toEqual([
      { detail: 'gone', title: 'CF-NotFound', code: 10000 },
    ]);
    expect(errorItems('text')).toBeUndefined();
    expect(errorItems({ other: 1 })).toBeUndefined();
    expect(ccCodeOf({ errors: [{ code: 390001 }] })).toBe(390001);
    expect(ccCodeOf(undefined)).toBeUndefined();
  });

  it('keeps the headers that explain an answer, and first values of repeated ones', () => {
    expect(pickHeaders({ 'retry-after': '3', 'set-cookie': ['a=b'], 'x-vcap-request-id': 'r' })).toEqual({
      'retry-after': '3',
      'x-vcap-request-id': 'r',
    });
    expect(header({ 'x-cf-warnings': ['a', 'b'] }, 'x-cf-warnings')).toBe('a');
    expect(statusText(429)).toBe('Too Many Requests');
    expect(statusText(418)).toBe('HTTP error');
    expect(shortMessage(`${'y'.repeat(130)}\nmore`)).toBe(`${'y'.repeat(120)}…`);
  });
});
