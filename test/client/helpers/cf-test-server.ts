import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { FIXTURES_DIR } from '../../helpers/fixtures-dir.js';

/** Where the recorded CC docs bodies live (test/fixtures/cc-docs). */
export const FIXTURES = FIXTURES_DIR;

/** A fixture's raw text. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** A fixture, parsed. */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** When the request arrived (Date.now()), for ordering against client-side hooks. */
  at: number;
}

/** A scripted reply. */
export interface Reply {
  status: number;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Send the status, headers (Content-Length of the whole body) and only this many body bytes, then destroy the socket. */
  cutAfter?: number;
}

/** Answers a request; return undefined for 404. */
export type Handler = (req: SeenRequest) => Reply | undefined | Promise<Reply | undefined>;

/** A running in-process server. */
export interface TestServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 that records every request and answers with `handler`. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const parsed = new URL(url, 'http://x');
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(seen);
      Promise.resolve(handler(seen))
        .then((reply) => {
          if (reply?.reset) {
            req.socket.destroy();
            return;
          }
          const r = reply ?? {
            status: 404,
            body: { errors: [{ detail: 'Unknown request', title: 'CF-NotFound', code: 10000 }] },
          };
          const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
          const cut = r.cutAfter === undefined ? {} : { 'content-length': String(Buffer.byteLength(text)) };
          res.writeHead(r.status, {
            ...(r.body !== undefined && typeof r.body !== 'string' ? { 'content-type': 'application/json' } : {}),
            ...cut,
            ...r.headers,
          });
          if (r.cutAfter !== undefined) {
            res.write(text.slice(0, r.cutAfter), () => req.socket.destroy());
            return;
          }
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(599);
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An unsigned JWT with the given claims (CC would verify it; the client only reads it). */
export function makeJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** A token response for `scopes`, valid `expiresIn` seconds from `nowMs`. */
export function tokenReply(opts: {
  access: string;
  refresh?: string;
  scopes?: string[];
  expiresIn?: number;
  nowMs?: number;
  userName?: string;
}): Reply {
  const expiresIn = opts.expiresIn ?? 1200;
  const exp = Math.floor((opts.nowMs ?? Date.now()) / 1000) + expiresIn;
  const scopes = opts.scopes ?? ['cloud_controller.admin'];
  const access_token = makeJwt({
    jti: opts.access,
    exp,
    scope: scopes,
    user_name: opts.userName ?? 'admin',
    user_id: 'u-1',
    client_id: 'cf',
  });
  return {
    status: 200,
    body: {
      access_token,
      token_type: 'bearer',
      expires_in: expiresIn,
      scope: scopes.join(' '),
      jti: opts.access,
      ...(opts.refresh ? { refresh_token: opts.refresh } : {}),
    },
  };
}

/** `GET /` pointing login at `base`. */
export function rootReply(base: string): Reply {
  const root = fixture<{ links: Record<string, unknown> }>('root_global.json');
  root.links.login = { href: base };
  root.links.uaa = { href: base };
  return { status: 200, body: root };
}

/** The Authorization header's jti, to tell tokens apart in assertions. */
export function jtiOf(req: SeenRequest): string | undefined {
  const auth = req.headers.authorization;
  const token = auth?.replace(/^bearer /i, '');
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { jti?: string }).jti;
}

/** An injectable sleep that records waits and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}
