import { afterEach, describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../src/client/index.js';
import { parsePage, type FieldSelection } from '../../src/client/parse-page.js';
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

describe('parsePage with a selection', () => {
  /** What the selection should give: JSON.parse, then only the selected members, at every depth. */
  const pick = (value: unknown, selection: FieldSelection): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [name, nested] of Object.entries(selection)) {
      if (!Object.hasOwn(value, name)) continue;
      const member = (value as Record<string, unknown>)[name];
      out[name] = nested === true ? member : pick(member, nested);
    }
    return out;
  };
  const selection: FieldSelection = {
    guid: true,
    name: true,
    tags: true,
    relationships: { space: { data: { guid: true } }, plan: { data: { guid: true } } },
  };

  it('parses only the selected members of each row, as JSON.parse and a pick would give them', () => {
    const rows = [
      {
        guid: 'g1',
        name: 'ünï "quoted" \\ back\nslash\t€ 𝄞',
        skipped: { deep: [1, { name: 'not me', guid: 'nor me' }], text: '} ] " {' },
        tags: ['a', 'b'],
        relationships: { space: { data: { guid: 's1' }, links: {} }, plan: { data: null } },
      },
      { guid: 'g2', relationships: 'not an object', name: null, extra: 1e21 },
      { relationships: { space: { data: { guid: 's3', other: 1 } } }, guid: 'g3', name: 'x', guid2: 'y' },
      {},
      'a string row',
      42,
      [1, 2],
    ];
    const text = JSON.stringify({ pagination: { next: null }, resources: rows, included: { apps: [] } }, null, 1);
    const page = parsePage(Buffer.from(text), { resource: (row) => row, select: selection }) as {
      resources: unknown[];
    };
    expect(page.resources).toEqual(rows.map((row) => pick(row, selection)));
    expect(page.resources[0]).not.toHaveProperty('skipped');
  });

  it('matches a key written with escapes, and keeps a selected __proto__ an own member', () => {
    const text = '{"resources":[{"gu\\u0069d":"escaped","__proto__":{"polluted":1},"name":"n"}]}';
    const page = parsePage(Buffer.from(text), {
      resource: (row) => row,
      // An object literal's __proto__ would set the prototype: JSON.parse makes it a member.
      select: JSON.parse('{"guid":true,"__proto__":true,"name":true}') as FieldSelection,
    }) as { resources: Array<Record<string, unknown>> };
    expect(page.resources[0]!.guid).toBe('escaped');
    expect(Object.keys(page.resources[0]!)).toEqual(['guid', '__proto__', 'name']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('selects the members of included items by list name, and leaves other lists whole', () => {
    const body = {
      resources: [{ guid: 'b', big: 'x'.repeat(50) }],
      included: {
        apps: [{ guid: 'a', name: 'app', links: { self: 'u' } }],
        spaces: [{ guid: 's', name: 'sp' }],
      },
    };
    const page = parsePage(Buffer.from(JSON.stringify(body)), {
      resource: (row) => row,
      included: (_name, item) => item,
      select: { guid: true },
      selectIncluded: { apps: { guid: true, name: true } },
    });
    expect(page).toEqual({
      resources: [{ guid: 'b' }],
      included: { apps: [{ guid: 'a', name: 'app' }], spaces: [{ guid: 's', name: 'sp' }] },
    });
  });

  it('still refuses a page whose structure is broken', () => {
    for (const text of [
      '{"resources":[{"guid":"a",}]}',
      '{"resources":[{"guid" "a"}]}',
      '{"resources":[{"guid":"a"}',
      '{"resources":[{"guid":"unterminated}]}',
      '{"resources":[{"guid":nope}]}',
    ])
      expect(() => parsePage(Buffer.from(text), { resource: (row) => row, select: { guid: true } }), text).toThrow(
        SyntaxError,
      );
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

  it('select parses only the selected members of every page, with the same requests; it must come before map', async () => {
    cf = await startCf((req) =>
      req.path === '/v3/spaces'
        ? {
            status: 200,
            body: {
              pagination: { total_results: 1, total_pages: 1, next: null },
              resources: [
                { guid: 's1', name: 'dev', created_at: 'x', relationships: { organization: { data: { guid: 'o1' } } } },
              ],
            },
          }
        : undefined,
    );
    const { client } = testClient(cf);
    await client.login();
    const spaces = await client.spaces
      .list()
      .select({ guid: true, relationships: { organization: { data: { guid: true } } } })
      .map((space) => `${space.guid}@${space.relationships?.organization?.data?.guid}`)
      .all();
    expect(spaces).toEqual(['s1@o1']);
    expect(cf.apiRequests().map((r) => r.url)).toEqual(['/v3/spaces?per_page=5000']);
    expect(() =>
      client.spaces
        .list()
        .map((space) => space.guid)
        .select({ guid: true }),
    ).toThrow(/select\(\) must come before map\(\)/);
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
