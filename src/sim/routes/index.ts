import type { RouteDef } from '../http-types.js';
import { appRoutes } from './apps.js';
import { auditEventRoutes } from './audit-events.js';
import { credentialBindingRoutes } from './credential-bindings.js';
import { featureFlagRoutes } from './feature-flags.js';
import { jobRoutes } from './jobs.js';
import { orgSpaceRoutes } from './orgs-spaces.js';
import { rootRoutes } from './root.js';
import { securityGroupRoutes } from './security-groups.js';
import { serviceCatalogRoutes } from './service-catalog.js';
import { serviceInstanceRoutes } from './service-instances.js';
import { sharedSpaceRoutes } from './shared-spaces.js';

/** Every CC route the simulator serves. */
export const ALL_ROUTES: RouteDef[] = [
  ...rootRoutes,
  ...orgSpaceRoutes,
  ...securityGroupRoutes,
  ...serviceCatalogRoutes,
  ...serviceInstanceRoutes,
  ...sharedSpaceRoutes,
  ...credentialBindingRoutes,
  ...appRoutes,
  ...featureFlagRoutes,
  ...auditEventRoutes,
  ...jobRoutes,
];
