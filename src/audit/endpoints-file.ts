import type { ServiceEndpoint } from './snapshot.js';
import { parseDestinationEntry } from './ip-range.js';

/**
 * The operator's map of where services listen, from `--endpoints FILE` (JSON):
 * `{ "instances": { "<guid or name>": "10.0.8.0/24:5432" }, "plans": {...}, "offerings": {...} }`.
 * An instance entry beats its plan's, which beats its offering's. IPv6 goes in brackets: `[fd00::/8]:5432`.
 */
export interface EndpointsFile {
  readonly instances: ReadonlyMap<string, ServiceEndpoint>;
  readonly plans: ReadonlyMap<string, ServiceEndpoint>;
  readonly offerings: ReadonlyMap<string, ServiceEndpoint>;
}

/** Thrown with a message that names the entry at fault. */
export class EndpointsFileError extends Error {
  override readonly name = 'EndpointsFileError';
}

/** Parses `destination:port` (IPv6 in brackets) into an endpoint, or undefined. */
export function parseEndpoint(text: string, source: ServiceEndpoint['source']): ServiceEndpoint | undefined {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text.trim()) ?? /^([^:\s]+):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const destination = match[1]!;
  const port = Number(match[2]);
  if (port < 1 || port > 65535 || !parseDestinationEntry(destination)) return undefined;
  return { destination, port, source };
}

/** Parses the file's text; every bad entry is an error, so a typo never silently hides a gap. */
export function parseEndpointsFile(text: string): EndpointsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new EndpointsFileError(`endpoints file is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new EndpointsFileError('endpoints file must be a JSON object');
  const sections = ['instances', 'plans', 'offerings'] as const;
  for (const key of Object.keys(data)) {
    if (!(sections as readonly string[]).includes(key))
      throw new EndpointsFileError(`endpoints file: unknown key '${key}' (expected ${sections.join(', ')})`);
  }
  const read = (section: (typeof sections)[number]): Map<string, ServiceEndpoint> => {
    const entries = (data as Record<string, unknown>)[section] ?? {};
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
      throw new EndpointsFileError(`endpoints file: '${section}' must be an object`);
    const map = new Map<string, ServiceEndpoint>();
    for (const [name, value] of Object.entries(entries)) {
      const endpoint = typeof value === 'string' ? parseEndpoint(value, 'endpoints_file') : undefined;
      if (!endpoint)
        throw new EndpointsFileError(
          `endpoints file: ${section}.${name} must be "address-or-CIDR:port" (got ${JSON.stringify(value)})`,
        );
      map.set(name, endpoint);
    }
    return map;
  };
  return { instances: read('instances'), plans: read('plans'), offerings: read('offerings') };
}

/** The endpoint the file gives an instance, by guid or name at each level. */
export function endpointFromFile(
  file: EndpointsFile,
  instance: { guid: string; name: string },
  plan: { guid: string; name: string } | undefined,
  offering: { guid: string; name: string } | undefined,
): ServiceEndpoint | undefined {
  const pick = (map: ReadonlyMap<string, ServiceEndpoint>, item: { guid: string; name: string } | undefined) =>
    item ? (map.get(item.guid) ?? map.get(item.name)) : undefined;
  return pick(file.instances, instance) ?? pick(file.plans, plan) ?? pick(file.offerings, offering);
}
