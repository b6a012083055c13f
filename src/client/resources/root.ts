import { CfApiError, MalformedResponseError, NotCloudControllerError } from '../errors.js';
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
    const url = this.ctx.transport.resolve('/').toString();
    const notCc = (answered: string) => new NotCloudControllerError(new URL(url).origin, answered);
    let response;
    try {
      // The first contact: a wrong URL should fail in a second, not after the whole retry budget.
      response = await this.ctx.transport.request<RootInfo>({ method: 'GET', path: '/', auth: false, retryLimit: 1 });
    } catch (error) {
      if (error instanceof MalformedResponseError) throw notCc(`GET / answered ${error.status}, ${error.reason}`);
      if (error instanceof CfApiError) throw notCc(`GET / answered ${error.status}`);
      throw error;
    }
    const body = response.body as Partial<RootInfo> | undefined;
    if (typeof body?.links !== 'object' || body.links === null) throw notCc('GET / answered without {links}');
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
