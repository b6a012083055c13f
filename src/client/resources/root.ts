import { MalformedResponseError } from '../errors.js';
import type { ResourceContext } from '../resource-context.js';
import type { Link } from './wire-common.js';

/** `GET /` (cc-api.md §10; fixture root_global.json). */
export interface RootInfo {
  links: {
    self?: Link;
    cloud_controller_v2?: (Link & { meta?: { version?: string } }) | null;
    cloud_controller_v3?: (Link & { meta?: { version?: string } }) | null;
    login?: Link | null;
    uaa?: Link | null;
    [name: string]: unknown;
  };
}

/** The API root: unauthenticated discovery. */
export class RootResource {
  constructor(private readonly ctx: ResourceContext) {}

  /** `GET /`, without a token. */
  async get(): Promise<RootInfo> {
    const response = await this.ctx.transport.request<RootInfo>({ method: 'GET', path: '/', auth: false });
    const body = response.body as Partial<RootInfo> | undefined;
    if (typeof body?.links !== 'object' || body.links === null) {
      throw new MalformedResponseError({
        method: 'GET',
        url: this.ctx.transport.resolve('/').toString(),
        status: response.status,
        reason: 'expected {links} (is this a Cloud Foundry API?)',
      });
    }
    return response.body;
  }

  /**
   * The URL token requests go to: `links.login.href` as the cf CLI does (it posts /oauth/token to the authorization
   * endpoint), falling back to `links.uaa.href` (cc-api.md §10).
   */
  async tokenEndpoint(): Promise<string> {
    const root = await this.get();
    const href = root.links.login?.href ?? root.links.uaa?.href;
    if (typeof href !== 'string' || href === '') {
      throw new MalformedResponseError({
        method: 'GET',
        url: this.ctx.transport.resolve('/').toString(),
        status: 200,
        reason: 'root has neither links.login nor links.uaa',
      });
    }
    return href;
  }
}
