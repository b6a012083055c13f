import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Actor } from './actor.js';
import {
  CcError,
  invalidAuthToken,
  notAuthenticated,
  notAuthorized,
  parseError,
  rateLimitExceeded,
  serviceUnavailable,
  unknownError,
  unknownRoute,
} from './errors.js';
import { FaultInjector, type FaultDecision, type FaultOptions } from './faults.js';
import type { SimResponse } from './http-types.js';
import { verifyJwt } from './jwt.js';
import { handleOperator } from './operator.js';
import type { NormalisedOptions } from './options.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestCounter } from './request-counter.js';
import { requestIdFor } from './request-id.js';
import { ALL_ROUTES } from './routes/index.js';
import { normaliseUnknown, Router } from './router.js';
import { SimState } from './sim-state.js';
import { tokenEndpoint } from './uaa.js';
import { WriteLog } from './write-log.js';

const TOKEN_ROUTE = 'POST /uaa/oauth/token';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The simulator's HTTP server: operator API, UAA token endpoint and CC routes, in one node:http server. */
export class SimServer {
  readonly state: SimState;
  readonly counter = new RequestCounter();
  readonly writes = new WriteLog();
  private readonly router = new Router(ALL_ROUTES);
  private readonly secret = randomBytes(32);
  private readonly faults: FaultInjector;
  private limiter: RateLimiter | null = null;
  private server: Server | null = null;
  private baseUrl = '';

  constructor(private readonly options: NormalisedOptions) {
    this.state = new SimState(options.knobs, options.tokenTtlSeconds, options.log, options.landscape);
    this.faults = new FaultInjector(options.faults, options.knobs.seed);
    this.setFaults(options.faults);
  }

  /** The API root, once listening. */
  get url(): string {
    return this.baseUrl;
  }

  /** Replaces the faults (and the rate limiter with its counts). */
  setFaults(faults: FaultOptions): void {
    this.faults.replace(faults);
    this.limiter = faults.rateLimit ? new RateLimiter(faults.rateLimit) : null;
  }

  /**
   * The root URL as the caller reached us: in a container the simulator listens on 0.0.0.0 and is reached by a
   * service name, and the links it hands out (login, next pages) must use that name.
   */
  private requestBase(req: IncomingMessage): string {
    const host = req.headers.host;
    return host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
      ? `http://${host}`
      : this.baseUrl;
  }

  /** Listens on the configured host (127.0.0.1 unless told otherwise). */
  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.log?.error({ err: error }, 'simulator request failed');
        if (!res.headersSent) send(res, { status: 500, body: unknownError().toBody() });
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://${this.options.host === '0.0.0.0' || this.options.host === '::' ? '127.0.0.1' : this.options.host}:${port}`;
  }

  /** Stops listening, drops connections and cancels background work. */
  async close(): Promise<void> {
    this.state.cancelTimers();
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = WriteLog.now();
    const requestId = requestIdFor(req.headers);
    // Set before anything can answer, so errors, 429s and faults carry it too.
    res.setHeader('X-Vcap-Request-Id', requestId);
    const method = req.method ?? 'GET';
    const baseUrl = this.requestBase(req);
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    let routeName = `${method} ${path}`;
    const log = this.options.log;
    // Route names only: query strings may carry guids, never secrets, but keep the line short.
    if (log?.isLevelEnabled('debug'))
      res.on('finish', () => log.debug({ route: routeName, status: res.statusCode }, 'sim request'));
    const match = this.router.match(method, path);
    const routeKey = match ? `${method} ${match.route.pattern}` : normaliseUnknown(method, path);
    if (WriteLog.covers(method, path)) {
      // Logged on arrival, before the body is read or any fault applies; a dropped connection keeps status null.
      const entry = this.writes.record({ at: arrivedAt, method, path, route: routeKey, request_id: requestId });
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
    }
    const raw = await readBody(req);

    if (path.startsWith('/_sim')) {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return send(res, { status: 400, body: { error: 'body is not JSON' } });
      }
      const answer = handleOperator(
        {
          state: this.state,
          counter: this.counter,
          writes: this.writes,
          getFaults: () => this.faults.options,
          setFaults: (f) => this.setFaults(f),
          reset: () => {
            this.state.regenerate();
            this.counter.reset();
            this.writes.clear();
            this.setFaults(this.options.faults);
          },
        },
        method,
        path,
        body,
        url.searchParams,
      );
      return send(res, answer ?? { status: 404, body: { error: `unknown operator route ${method} ${path}` } });
    }

    if (method === 'POST' && path === '/uaa/oauth/token') {
      this.counter.count(TOKEN_ROUTE);
      const fault = this.faults.decide(TOKEN_ROUTE);
      if (await this.applyFaults(fault, req, res)) return;
      const answer = tokenEndpoint(
        this.state,
        this.secret,
        `${baseUrl}/uaa/oauth/token`,
        req.headers,
        new URLSearchParams(raw),
      );
      return send(res, answer, fault.malformed);
    }

    routeName = routeKey;
    this.counter.count(routeKey);
    const fault = this.faults.decide(routeKey);
    if (await this.applyFaults(fault, req, res)) return;
    if (!match) return send(res, { status: 404, body: unknownRoute().toBody() });

    const extraHeaders: Record<string, string> = {};
    let actor: Actor | null = null;
    try {
      if (match.route.auth !== false) {
        actor = this.authenticate(req.headers.authorization);
        if (this.limiter) {
          const decision = this.limiter.check(actor.guid, actor.isAdminish);
          if (decision?.limited) {
            // The 429 says text/plain but carries a JSON body (cc-api.md §8.1).
            return send(res, {
              status: 429,
              body: rateLimitExceeded().toBody(),
              headers: { ...decision.headers, 'Content-Type': 'text/plain; charset=utf-8' },
            });
          }
          Object.assign(extraHeaders, decision?.headers ?? {});
        }
        if (method === 'GET' ? !actor.mayRead() : !actor.mayWrite()) throw notAuthorized();
      }
      let body: unknown;
      if (raw.length > 0 && method !== 'GET') {
        try {
          body = JSON.parse(raw);
        } catch {
          throw parseError();
        }
      }
      const answer = await match.route.handler({
        state: this.state,
        actor,
        params: match.params,
        search: url.searchParams,
        body,
        baseUrl,
        method,
      });
      if (fault.loseAnswer) {
        req.socket.destroy();
        return;
      }
      send(res, { ...answer, headers: { ...extraHeaders, ...answer.headers } }, fault.malformed);
    } catch (error) {
      if (!(error instanceof CcError)) throw error;
      if (fault.loseAnswer) {
        req.socket.destroy();
        return;
      }
      send(res, { status: error.status, body: error.toBody(), headers: extraHeaders });
    }
  }

  /** Latency, connection reset, 5xx; true when the request has been answered (or dropped). */
  private async applyFaults(fault: FaultDecision, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.reset) {
      req.socket.destroy();
      return true;
    }
    if (fault.errorStatus !== 0) {
      const error = fault.errorStatus === 503 ? serviceUnavailable() : unknownError();
      send(res, { status: error.status, body: error.toBody() });
      return true;
    }
    return false;
  }

  /** CC's token check (cc-api.md §9): no token 401 10002; bad or expired 401 1000. */
  private authenticate(header: string | undefined): Actor {
    if (!header) throw notAuthenticated();
    const match = /^bearer\s+(.+)$/i.exec(header.trim());
    if (!match) throw invalidAuthToken();
    const claims = verifyJwt(match[1]!, this.secret);
    if (!claims || claims.token_use !== 'access') throw invalidAuthToken();
    // Client-credentials tokens have no user_id: CC uses client_id as the user guid (cc-api.md §10).
    const principal = this.state.foundation.principalByGuid.get(claims.user_id ?? claims.client_id);
    if (!principal) throw invalidAuthToken();
    return new Actor(principal, claims.scope, this.state.foundation);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: SimResponse, malformed = false): void {
  const headers: Record<string, string> = { ...answer.headers };
  let text = '';
  if (answer.body !== undefined && answer.status !== 204) {
    text = JSON.stringify(answer.body);
    // Fault: a truncated 200 JSON body.
    if (malformed && answer.status === 200) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(answer.status, headers);
  res.end(text);
}
