import type { RouteDef } from '../http-types.js';
import { ok } from '../http-types.js';

/** The CC version the simulator claims (`links.cloud_controller_v3.meta.version`). */
export const CC_V3_VERSION = '3.190.0';

/** `GET /` (fixture root_global.json; cc-api.md §10): login and uaa both point at this server's `/uaa`. */
export const rootRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/',
    auth: false,
    handler: ({ baseUrl }) =>
      ok({
        links: {
          self: { href: baseUrl },
          // v2 is switched off (temporary_enable_v2 false), so cloud_controller_v2 is absent (cc-api.md §10).
          cloud_controller_v3: { href: `${baseUrl}/v3`, meta: { version: CC_V3_VERSION } },
          network_policy_v0: { href: `${baseUrl}/networking/v0/external` },
          network_policy_v1: { href: `${baseUrl}/networking/v1/external` },
          login: { href: `${baseUrl}/uaa` },
          uaa: { href: `${baseUrl}/uaa` },
          credhub: null,
          routing: { href: `${baseUrl}/routing` },
          logging: { href: 'wss://doppler.sim.invalid:443' },
          log_cache: { href: `${baseUrl}/log-cache` },
          log_stream: { href: `${baseUrl}/log-stream` },
          app_ssh: { href: 'ssh.sim.invalid:2222', meta: { host_key_fingerprint: 'sim', oauth_client: 'ssh-proxy' } },
        },
      }),
  },
  {
    method: 'GET',
    pattern: '/v3',
    auth: false,
    handler: ({ baseUrl }) => {
      const names = [
        'apps',
        'audit_events',
        'feature_flags',
        'jobs',
        'organizations',
        'security_groups',
        'service_credential_bindings',
        'service_instances',
        'service_offerings',
        'service_plans',
        'spaces',
      ];
      const links: Record<string, { href: string }> = { self: { href: `${baseUrl}/v3` } };
      for (const name of names) links[name] = { href: `${baseUrl}/v3/${name}` };
      return ok({ links });
    },
  },
];
