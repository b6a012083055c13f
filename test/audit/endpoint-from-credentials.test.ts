import { describe, expect, it } from 'vitest';
import { endpointFromCredentials } from '../../src/audit/endpoint-from-credentials.js';
import { ccTimestamp } from '../../src/features/export/export-step.js';

describe('endpointFromCredentials', () => {
  it.each([
    [
      { host: '10.0.0.5', port: 5432, password: 'x' },
      { destination: '10.0.0.5', port: 5432 },
    ],
    [
      { hostname: '10.0.0.6', port: '6379' },
      { destination: '10.0.0.6', port: 6379 },
    ],
    [{ uri: 'postgres://u:p@10.0.0.7:5433/db' }, { destination: '10.0.0.7', port: 5433 }],
    [{ uri: 'https://u:p@10.0.20.100/x' }, { destination: '10.0.20.100', port: 443 }], // URL drops default ports
    [{ url: 'http://10.0.0.5/' }, { destination: '10.0.0.5', port: 80 }],
    [{ jdbcUrl: 'jdbc:mysql://10.1.2.3:3306/db' }, { destination: '10.1.2.3', port: 3306 }],
    [{ uri: 'mongodb://[fd00::5]:27017/x' }, { destination: 'fd00::5', port: 27017 }],
  ])('%j → %j', (credentials, expected) => {
    expect(endpointFromCredentials(credentials)).toEqual({ ...expected, source: 'credentials' });
  });

  it.each([[{ host: 'db.internal', port: 5432 }], [{ uri: 'not a url' }], [{ host: '10.0.0.5' }], [{}]])(
    'gives nothing for %j (no address an ASG can match)',
    (credentials) => {
      expect(endpointFromCredentials(credentials)).toBeUndefined();
    },
  );
});

describe('ccTimestamp', () => {
  it('drops fractional seconds, which CC rejects in timestamp filters', () => {
    expect(ccTimestamp(Date.parse('2026-11-23T02:00:00.789Z'))).toBe('2026-11-23T02:00:00Z');
  });
});
