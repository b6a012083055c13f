import { afterEach, describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../src/client/index.js';
import { parsePage } from '../../src/client/parse-page.js';
import { startCf, testClient, type FakeCf } from './helpers/test-cf.js';

const parse = (text: string, mappers: Parameters<typeof parsePage>[1]): unknown =>
  parsePage(Buffer.from(text), mappers);
const same = { resource: (row: unknown) => row, included: (_name: string, item: unknown) => item };

describe('parsePage', () => {
  it('gives what JSON.parse gives when the mappers keep rows whole', () => {
    const bodies = [
      { pagination: { total_results: 2, total_pages: 1, next: null }, resources: [{ a: 1 }, { b: [1, { c: '}' }] }] },
      { resources: [], included: {} },
      { pagination: null, resources: [1, 'x', null, true, -2.5e3, [], {}], included: { apps: [], spaces: [{ g: 1 }] } },
      { resources: [{ name: 'quote " brace { bracket ] backslash \\', more: '\\"', uni: 'ünï €' }] },
      { errors: [{ code: 1000, title: 'CF-InvalidAuthToken', detail: 'Invalid Auth Token' }] },
      { included: { apps: 'not a list' }, resources: [{ guid: 'g' }], extra: { resources: [1] } },
      {},
    ];
    for (const body of bodies) {
      for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2), ` \n${JSON.stringify(body)}\t\r\n`])
        expect(parse(text, same)).toEqual(JSON.parse(text));
    }
    for (const text of ['[1,2]', '"x"', '3', 'null']) expect(parse(text, same)).toEqual(JSON.parse(text) as unknown);
  });

  it('maps every row and every included item as it parses them', () => {
    const text = JSON.stringify({
      pagination: { next: null },
      resources: [
        { guid: 'a', big: 'x'.repeat(100) },
        { guid: 'b', big: 'y' },
      ],
      included: { apps: [{ guid: 'app', name: 'n', links: {} }], spaces: [{ guid: 's' }] },
    });
    const page = parse(text, {
      resource: (row) => (row as { guid: string }).guid,
      included: (name, item) => `${name}:${(item as { guid: string }).guid}`,
    });
    expect(page).toEqual({
      pagination: { next: null },
      resources: ['a', 'b'],
      included: { apps: ['apps:app'], spaces: ['spaces:s'] },
    });
  });

  it('reads UTF-8 across rows and drops a byte order mark, as the TextDecoder of other bodies does', () => {
    const body = { resources: [{ name: 'ünï € 𝄞 "q"' }, { name: '日本' }], included: { apps: [{ name: 'ø' }] } };
    expect(parse(`\uFEFF${JSON.stringify(body)}`, same)).toEqual(body);
  });

  it('keeps __proto__ an own member, as JSON.parse does', () => {
    const page = parse('{"__proto__":{"polluted":1},"resources":[]}', same) as Record<string, unknown>;
    expect(Object.getPrototypeOf(page)).toBe(Object.prototype);
    expect(Object.keys(page)).toEqual(['__proto__', 'resources']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws SyntaxError on what JSON.parse refuses', () => {
    const broken = [
      '{"resources":[{"a":1}',
      '{"resources":[{"a":1},]}',
      '{"resources":[{"a":1}] "x":1}',
      '{"resources":[{"a":"unterminated}]}',
      '{"resources":[]}}',
      '{"resources":[nope]}',
      '{resources:[]}',
      '{"included":{"apps":[{"a":1}}}',
      '<html>gorouter</html>',
    ];
    for (const text of broken) {
      expect(() => JSON.parse(text), text).toThrow(SyntaxError);
      expect(() => parse(text, same), text).toThrow(SyntaxError);
    }
  });
});

describe('Paginator.map', () => {
  let cf: FakeCf | undefined;
  afterEach(async () => {
    await cf?.close();
    cf = undefined;
  });

  it('maps rows and included items page by page, with the same requests', async () => {
    cf = await startCf((req) => {
      if (req.path !== '/v3/service_credential_bindings') return undefined;
      const second = req.url.includes('page=2');
      return {
        status: 200,
        body: {
          pagination: {
            total_results: 2,
            total_pages: 2,
            next: second ? null : { href: `${cf!.url}/v3/service_credential_bindings?page=2&per_page=1` },
          },
          resources: [{ guid: second ? 'b2' : 'b1', name: null, type: 'key', links: {} }],
          included: { apps: [{ guid: second ? 'a2' : 'a1', name: 'app' }] },
        },
      };
    });
    const { client } = testClient(cf);
    await client.login();
    const listing = client.serviceCredentialBindings
      .list({ include: ['app'] })
      .map(
        (binding) => binding.guid,
        (name, item) => `${name}/${(item as { guid: string }).guid}`,
      )
      .map((guid) => guid.toUpperCase());
    const pages = [];
    for await (const page of listing.pages()) pages.push({ resources: page.resources, included: page.included });
    expect(pages).toEqual([
      { resources: ['B1'], included: { apps: ['apps/a1'] } },
      { resources: ['B2'], included: { apps: ['apps/a2'] } },
    ]);
    expect(cf.apiRequests().map((r) => r.url)).toEqual([
      '/v3/service_credential_bindings?per_page=5000&include=app',
      '/v3/service_credential_bindings?page=2&per_page=1',
    ]);
  });

  it('retries a page that is not JSON, then gives up with MalformedResponseError as an unmapped list does', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/spaces'
        ? { status: 200, body: '{"pagination":{"next":null},"resources":[{"guid":' }
        : undefined,
    );
    const { client } = testClient(cf);
    await client.login();
    const error = await client.spaces
      .list()
      .map((space) => space.guid)
      .all()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toMatch(/→ 200 malformed response: not JSON/);
    const unmapped = await client.spaces.listAll().catch((e: unknown) => e);
    expect((unmapped as Error).message).toBe((error as Error).message);
    expect(cf.apiRequests().length % 2).toBe(0);
  });
});
