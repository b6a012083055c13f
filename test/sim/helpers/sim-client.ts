import type { RunningSim, SimUserRole, Truth } from '../../../src/sim/index.js';

/**
 * A parsed JSON body. Deliberately untyped: the tests assert the simulator's wire shapes at runtime, and typing
 * them here would only restate what the assertions check.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** One HTTP answer, body parsed as JSON when it is JSON. */
export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the simulator over real HTTP. `path` may be absolute (a pagination href). */
export async function call<T = Json>(
  sim: RunningSim,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** POSTs a form to the token endpoint like the cf CLI. */
export async function tokenRequest(sim: RunningSim, form: Record<string, string>, basic?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (basic !== undefined) headers.Authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  const res = await fetch(`${sim.url}/uaa/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
}

/** An access token for one of the generated users (password grant, client `cf`). */
export async function login(sim: RunningSim, role: SimUserRole = 'admin'): Promise<string> {
  const user = sim.users[role];
  const answer = await tokenRequest(
    sim,
    { grant_type: 'password', username: user.username, password: user.password },
    'cf:',
  );
  if (answer.status !== 200) throw new Error(`login ${role} failed: ${answer.text}`);
  return answer.body.access_token as string;
}

/** Every resource of a list, following `pagination.next.href`. */
export async function listAll<T = Json>(sim: RunningSim, path: string, token: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | null = path;
  while (next) {
    const answer: Answer = await call(sim, 'GET', next, token);
    if (answer.status !== 200) throw new Error(`${next}: ${answer.status} ${answer.text}`);
    out.push(...(answer.body.resources as T[]));
    next = answer.body.pagination.next?.href ?? null;
  }
  return out;
}

/** The simulator's ground truth. */
export async function truth(sim: RunningSim): Promise<Json> {
  return (await call<Truth>(sim, 'GET', '/_sim/truth')).body;
}
