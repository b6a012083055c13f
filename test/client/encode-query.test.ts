import { describe, expect, it } from 'vitest';
import { encodeQuery } from '../../src/client/encode-query.js';

describe('encodeQuery', () => {
  it.each([
    { description: 'list values joined by literal commas', query: { space_guids: ['a', 'b', 'c'] }, expected: 'space_guids=a,b,c' },
    { description: 'a comma inside one value is %2C (cc-api.md §7)', query: { names: ['a,b', 'c d'] }, expected: 'names=a%2Cb,c%20d' },
    { description: 'fields become fields[x]', query: { fields: { space: ['guid', 'name'], 'space.organization': ['name'] } }, expected: 'fields[space]=guid,name&fields[space.organization]=name' },
    { description: 'timestamp operators', query: { created_ats: { gt: '2026-01-01T00:00:00Z' } }, expected: 'created_ats[gt]=2026-01-01T00%3A00%3A00Z' },
    { description: 'scalars, booleans and numbers', query: { type: 'managed', per_page: 5000, globally_enabled_running: true }, expected: 'type=managed&per_page=5000&globally_enabled_running=true' },
    { description: 'undefined is left out', query: { a: undefined, b: 'x', c: { d: undefined } }, expected: 'b=x' },
    { description: 'an empty list is sent, never dropped (dropping would match everything)', query: { guids: [] as string[] }, expected: 'guids=' },
    { description: 'no query', query: undefined, expected: '' },
  ])('$description', ({ query, expected }) => {
    expect(encodeQuery(query)).toBe(expected);
  });
});
