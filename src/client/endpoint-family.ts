/** A path segment that names one resource rather than a collection: a guid, or any long hex/uuid-like token. */
const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f-]{16,}|\d+)$/i;

/**
 * The endpoint family of a request path, for metrics labels: its first two segments under the API root
 * (`/v3/service_instances`, `/v3/spaces`, `/oauth/token`), guids and queries dropped. Two segments keep the label's
 * cardinality to the collections cf-shares calls: a guid or a sub-path per instance would make one series per
 * resource.
 */
export function endpointFamily(url: URL, apiPath = '/'): string {
  const root = apiPath.replace(/\/+$/, '');
  const path = root !== '' && url.pathname.startsWith(`${root}/`) ? url.pathname.slice(root.length) : url.pathname;
  const segments = path
    .split('/')
    .filter((segment) => segment !== '')
    .slice(0, 2)
    .map((segment) => (ID_SEGMENT.test(segment) ? ':guid' : segment));
  return `/${segments.join('/')}`;
}
