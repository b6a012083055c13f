import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, createCredentialFingerprinter } from '../../src/audit/credential-fingerprint.js';
import { credentialReuse, groupSameCredentials, placeKey } from '../../src/audit/credential-uniqueness.js';
import { computeFindings } from '../../src/audit/findings.js';
import type { FoundationSnapshot } from '../../src/audit/snapshot.js';

describe('credential fingerprints', () => {
  it('canonical JSON sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('equal credentials (in any key order) give equal fingerprints; any difference, another one', () => {
    const print = createCredentialFingerprinter();
    const a = { username: 'u', password: 'p', host: '10.0.0.1', port: 5432 };
    expect(print(a)).toBe(print({ port: 5432, host: '10.0.0.1', password: 'p', username: 'u' }));
    expect(print(a)).not.toBe(print({ ...a, password: 'q' }));
    expect(print(a)).not.toBe(print({ ...a, port: '5432' }));
  });

  it('is keyed per run: the same credentials fingerprint differently under another fingerprinter, and never plainly', () => {
    const a = { password: 'hunter2' };
    const one = createCredentialFingerprinter()(a);
    const two = createCredentialFingerprinter()(a);
    expect(one).not.toBe(two);
    expect(one).not.toContain('hunter2');
    // Not a plain sha256 of the canonical JSON either (that could be brute-forced from a short password).
    const plain = createHash('sha256').update(canonicalJson(a)).digest();
    expect(Buffer.from(one, 'base64').equals(plain)).toBe(false);
  });

  it('groups guids by equal fingerprint, keeping only groups of two or more, sorted', () => {
    const prints = new Map([
      ['b2', 'X'],
      ['a1', 'X'],
      ['c3', 'Y'],
      ['d4', 'Z'],
      ['e5', 'Z'],
      ['f6', 'Z'],
    ]);
    expect(groupSameCredentials(prints)).toEqual([
      ['a1', 'b2'],
      ['d4', 'e5', 'f6'],
    ]);
    expect(groupSameCredentials(new Map())).toEqual([]);
  });
});

/** Instance I from space S (org O) shared into T1 and T2; app bindings in S, T1, T2 and a key. */
function snapshot(sameCredentials: string[][] | undefined): FoundationSnapshot {
  return {
    api: 'https://api.example.org',
    generatedAt: '2026-12-03T00:00:00.000Z',
    sharingFlagEnabled: false,
    orgs: [{ guid: 'O', name: 'org' }],
    spaces: [
      { guid: 'S', name: 'src', orgGuid: 'O' },
      { guid: 'T1', name: 't1', orgGuid: 'O' },
      { guid: 'T2', name: 't2', orgGuid: 'O' },
    ],
    offerings: [{ guid: 'OF', name: 'db', shareable: true }],
    plans: [
      {
        guid: 'P',
        name: 'small',
        offeringGuid: 'OF',
        active: true,
        visibilityType: 'public',
        visibleOrgGuids: [],
        spaceGuid: null,
      },
    ],
    instanceCounts: { all: 1, managed: 1 },
    sharedInstances: [{ guid: 'I', name: 'db-1', spaceGuid: 'S', planGuid: 'P', dashboardUrl: null }],
    shares: [
      { instanceGuid: 'I', targetSpaceGuid: 'T1' },
      { instanceGuid: 'I', targetSpaceGuid: 'T2' },
    ],
    appBindings: [
      { guid: 'bS', instanceGuid: 'I', appGuid: 'aS', appName: 'app-src', appSpaceGuid: 'S', name: 'b-src' },
      { guid: 'bT1', instanceGuid: 'I', appGuid: 'aT1', appName: 'app-t1', appSpaceGuid: 'T1', name: null },
      { guid: 'bT1b', instanceGuid: 'I', appGuid: 'aT1b', appName: 'app-t1b', appSpaceGuid: 'T1' },
      { guid: 'bT2', instanceGuid: 'I', appGuid: 'aT2', appName: 'app-t2', appSpaceGuid: 'T2' },
    ],
    keys: [{ guid: 'k1', name: 'key-1', instanceGuid: 'I' }],
    securityGroups: [],
    ...(sameCredentials && {
      credentials: { compared: 5, notCompared: {}, detailsRequests: 5, sameCredentials },
    }),
  };
}

const credentialFindings = (s: FoundationSnapshot) =>
  computeFindings(s).filter((f) => f.kind === 'credentials_not_unique' || f.kind === 'key_credentials_in_binding');

describe('credentialReuse and the findings it gives', () => {
  it('no comparison, or every binding unique: no credential finding', () => {
    expect(credentialFindings(snapshot(undefined))).toEqual([]);
    expect(credentialFindings(snapshot([]))).toEqual([]);
  });

  it("a target binding with the source binding's credentials: credentials_not_unique on that share only", () => {
    const findings = credentialFindings(snapshot([['bS', 'bT1']]));
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({ kind: 'credentials_not_unique', severity: 'high', instance_guid: 'I', space_guid: 'T1' });
    expect(f!.bindings!.map((b) => b.guid)).toEqual(['bT1']);
    expect(f!.same_credentials_as!.map((b) => [b.type, b.guid, b.space])).toEqual([['app', 'bS', 'org/src']]);
    expect(f!.message).toContain('unsharing will not revoke access for 1 app(s); rotate the credentials');
    expect(f!.message).toContain("'app-t1'");
  });

  it('two bindings in one target space sharing credentials are not a finding: unsharing deletes both', () => {
    expect(credentialFindings(snapshot([['bT1', 'bT1b']]))).toEqual([]);
  });

  it('bindings of two target spaces sharing credentials: a finding on each share', () => {
    const findings = credentialFindings(snapshot([['bT1', 'bT2']]));
    expect(findings.map((f) => `${f.kind} ${f.space_guid}`)).toEqual([
      'credentials_not_unique T1',
      'credentials_not_unique T2',
    ]);
  });

  it("a binding with a key's credentials: key_credentials_in_binding, and credentials_not_unique when it is in a target", () => {
    const findings = credentialFindings(
      snapshot([
        ['bS', 'k1'],
        ['bT2', 'k1'],
      ]),
    );
    // Two groups cannot hold one guid in real data; here each pairing is checked on its own.
    const kinds = findings.map((f) => `${f.kind} ${f.space_guid}`).sort();
    expect(kinds).toEqual([
      'credentials_not_unique T2',
      'key_credentials_in_binding S',
      'key_credentials_in_binding T2',
    ]);
    const key = findings.find((f) => f.kind === 'key_credentials_in_binding' && f.space_guid === 'T2')!;
    expect(key.severity).toBe('medium');
    expect(key.same_credentials_as!.map((k) => [k.type, k.guid, k.name, k.space_guid])).toEqual([
      ['key', 'k1', 'key-1', 'S'],
    ]);
    expect(key.message).toContain("'key-1'");
  });

  it('names guids and names only', () => {
    const reuse = credentialReuse(snapshot([['bS', 'bT1', 'bT1b', 'k1']]));
    const t1 = reuse.notUnique.get(placeKey('I', 'T1'))!;
    expect(t1.bindings.map((b) => b.guid)).toEqual(['bT1', 'bT1b']);
    expect(t1.others.map((b) => b.guid)).toEqual(['bS', 'k1']);
    expect([...reuse.keyInBinding.keys()].sort()).toEqual([placeKey('I', 'S'), placeKey('I', 'T1')]);
  });
});
