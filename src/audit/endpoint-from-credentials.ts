import type { ServiceEndpoint } from './snapshot.js';
import { parseIp } from './ip-range.js';

/**
 * The host and port a binding's credentials point at, and nothing else: the caller drops the credentials right
 * after. Looks at the usual keys (`host`, `hostname`, `port`) and at a `uri`/`url`. Only an IP address can be
 * matched against ASG rules, so a DNS name gives undefined (the audit then falls back to comparing spaces).
 */
export function endpointFromCredentials(credentials: Record<string, unknown>): ServiceEndpoint | undefined {
  const host = firstString(credentials, ['host', 'hostname', 'ip']);
  const port = Number(credentials.port);
  if (host && Number.isInteger(port) && port >= 1 && port <= 65535 && parseIp(host))
    return { destination: host, port, source: 'credentials' };
  const uri = firstString(credentials, ['uri', 'url', 'jdbcUrl']);
  if (!uri) return undefined;
  try {
    const url = new URL(uri.replace(/^jdbc:/, ''));
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    // URL drops a scheme's default port: https://10.0.0.5/ listens on 443.
    const uriPort = Number(url.port || ({ 'http:': 80, 'https:': 443 } as Record<string, number>)[url.protocol] || NaN);
    if (parseIp(hostname) && Number.isInteger(uriPort) && uriPort >= 1)
      return { destination: hostname, port: uriPort, source: 'credentials' };
  } catch {
    // Not a URL: no endpoint.
  }
  return undefined;
}

function firstString(record: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}
