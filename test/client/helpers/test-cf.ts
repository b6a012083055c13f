import { CfClient, type CfClientOptions } from '../../../src/client/index.js';
import {
  recordingSleep,
  rootReply,
  startServer,
  tokenReply,
  type Handler,
  type Reply,
  type SeenRequest,
  type TestServer,
} from './cf-test-server.js';

/** A fake CC + UAA: `GET /` and `POST /oauth/token` are answered unless `handler` answers them first. */
export interface FakeCf extends TestServer {
  /** Requests other than `GET /` and token requests. */
  apiRequests(): SeenRequest[];
  tokenRequests(): SeenRequest[];
}

/** Starts a fake CC. `token` scripts the token endpoint (default: an admin token `t1`, refresh `r1`). */
export async function startCf(handler: Handler, token?: (req: SeenRequest, n: number) => Reply): Promise<FakeCf> {
  let tokenCalls = 0;
  const server: TestServer = await startServer(async (req) => {
    const own = await handler(req);
    if (own) return own;
    if (req.method === 'GET' && req.path === '/') return rootReply(server.url);
    if (req.method === 'POST' && req.path === '/oauth/token') {
      tokenCalls += 1;
      return token ? token(req, tokenCalls) : tokenReply({ access: `t${tokenCalls}`, refresh: 'r1' });
    }
    return undefined;
  });
  const isInfra = (r: SeenRequest) => r.path === '/' || r.path === '/oauth/token';
  return Object.assign(server, {
    apiRequests: () => server.requests.filter((r) => !isInfra(r)),
    tokenRequests: () => server.requests.filter((r) => r.path === '/oauth/token'),
  });
}

/** A client against `cf` with pacing off and a recording sleep; extra options override. */
export function testClient(
  cf: { url: string },
  extra: Partial<CfClientOptions> = {},
): { client: CfClient; waits: number[] } {
  const { sleep, waits } = recordingSleep();
  const client = new CfClient({
    api: cf.url,
    auth: { username: 'admin', password: 'pw' },
    pacing: { readsPerSecond: 0, writesPerSecond: 0 },
    sleep,
    random: () => 0.5,
    ...extra,
  });
  return { client, waits };
}
