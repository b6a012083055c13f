import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleetFile, parseFleetFile } from '../../src/config/fleet-file.js';
import { resolveConnectionOptions } from '../../src/config/connection-options.js';
import { UsageError } from '../../src/usage-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cf-shares-fleet-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const yaml = (body: string): string => `foundations:\n${body}`;

/** The one line a bad file fails with; the test fails when it is accepted or fails another way. */
function refusal(text: string, path = 'fleet.yaml'): string {
  try {
    parseFleetFile(text, path);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('the file was accepted');
}

describe('parseFleetFile', () => {
  it('reads YAML and JSON, normalises each API, and keeps only where credentials come from', () => {
    const fleet = parseFleetFile(
      yaml(`  - name: prod-eu
    api: HTTPS://API.sys.eu.example.com:443/
    client_id_env: PROD_EU_CLIENT_ID
    client_secret_file: /run/secrets/prod-eu
    skip_ssl_validation: false
  - name: staging
    api: http://127.0.0.1:9022
    username_env: STG_USER
    password_env: STG_PASSWORD
`),
      'fleet.yaml',
    );
    expect(fleet.foundations).toEqual([
      {
        name: 'prod-eu',
        api: 'https://api.sys.eu.example.com',
        client_id_env: 'PROD_EU_CLIENT_ID',
        client_secret_file: '/run/secrets/prod-eu',
        skip_ssl_validation: false,
      },
      { name: 'staging', api: 'http://127.0.0.1:9022', username_env: 'STG_USER', password_env: 'STG_PASSWORD' },
    ]);
    expect(Object.isFrozen(fleet.foundations[0])).toBe(true);
    const json = parseFleetFile(JSON.stringify({ foundations: [{ name: 'a', api: 'http://h:1/' }] }), 'f.json');
    expect(json.foundations).toEqual([{ name: 'a', api: 'http://h:1' }]);
  });

  it("keeps a foundation's landscape for its broker-level shares", () => {
    const fleet = parseFleetFile(yaml(`  - name: a\n    api: http://h:1\n    landscape: cf-us20\n`), 'f.yaml');
    expect(fleet.foundations[0]!.landscape).toBe('cf-us20');
  });

  it.each([
    ['client_secret', 'client_secret_env or client_secret_file'],
    ['password', 'password_env or password_file'],
    ['token', 'the *_env and *_file keys'],
  ])('refuses an inline secret (%s), naming the key and never its value', (key, hint) => {
    const line = refusal(yaml(`  - name: a\n    api: http://h:1\n    ${key}: hunter2-value\n`));
    expect(line).toContain(`'${key}'`);
    expect(line).toContain(hint);
    expect(line).not.toContain('hunter2-value');
  });

  it.each([
    ['an unknown key', yaml(`  - name: a\n    api: http://h:1\n    region: eu\n`), "unknown key 'region'"],
    ['an unknown top-level key', `redis: x\n${yaml('  - name: a\n    api: http://h:1\n')}`, "unknown key 'redis'"],
    [
      'a duplicate name',
      yaml(`  - name: a\n    api: http://h:1\n  - name: A\n    api: http://h:2\n`),
      "foundation name 'A' is used twice",
    ],
    ['a bad URL', yaml(`  - name: a\n    api: not a url\n`), "api is not a URL: 'not a url'"],
    ['a URL of another scheme', yaml(`  - name: a\n    api: ftp://h/\n`), 'api must start with http:// or https://'],
    ['credentials in the URL', yaml(`  - name: a\n    api: https://u:p@h/\n`), 'must not carry credentials'],
    ['a name that is no file name', yaml(`  - name: ../up\n    api: http://h:1\n`), 'name must be 1-63 letters'],
    ['no foundations', 'foundations: []\n', 'lists no foundations'],
    ['not a list', 'foundations: {}\n', 'must hold "foundations:"'],
    [
      'a client without its secret',
      yaml(`  - name: a\n    api: http://h:1\n    client_id_env: ID\n`),
      'client_secret_env or client_secret_file is missing',
    ],
    [
      'a user and a client',
      yaml(`  - name: a\n    api: http://h:1\n    client_id_env: I\n    client_secret_env: S\n    username_env: U\n`),
      'not both',
    ],
    ['a variable name that is none', yaml(`  - name: a\n    api: http://h:1\n    client_id_env: "x-y"\n`), 'must name'],
    ['broken YAML', 'foundations: [\n', 'is not valid YAML'],
    [
      'a landscape that is no region key',
      yaml(`  - name: a\n    api: http://h:1\n    landscape: "eu 10"\n`),
      'landscape must be a region key',
    ],
  ])('refuses %s', (_, text, expected) => {
    expect(refusal(text)).toContain(expected);
  });

  it('says a JSON file is broken without quoting it (the fault may be an inline secret)', () => {
    const line = refusal('{"foundations": [{"name": "a",\n "client_secret": s3cr3t-value}]}', 'fleet.json');
    expect(line).toBe('fleet file fleet.json is not valid JSON: its text is not shown, it may hold a secret');
    expect(line).not.toContain('s3cr3t');
  });

  it('never quotes a value put where a variable name belongs, nor the YAML around a fault', () => {
    const secret = 'hunter2-Sup3r$ecret!';
    const env = refusal(
      yaml(`  - name: a\n    api: http://h:1\n    client_id_env: ID\n    client_secret_env: "${secret}"\n`),
    );
    expect(env).toContain('client_secret_env must name an environment variable');
    expect(env).not.toContain('hunter2');
    const alias = refusal(yaml(`  - name: a\n    api: http://h:1\n    client_secret_env: *Sup3rSecretAlias\n`));
    expect(alias).toContain('is not valid YAML');
    expect(alias).not.toContain('Sup3rSecret');
    const broken = refusal('foundations:\n  - name: a\n    api: "http://h:1\n  secret: "Sup3rSecretLine\n');
    expect(broken).toMatch(/is not valid YAML: \w+ at line \d+, column \d+ \(its text is not shown/);
    expect(broken).not.toContain('Sup3rSecret');
  });

  it('prints no parser warning, which would quote the line (an unknown tag)', async () => {
    // The parser's warnings go through process.emitWarning, which Node prints to stderr on a later tick.
    const warnings: string[] = [];
    const listen = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', listen);
    try {
      refusal(yaml(`  - name: a\n    api: http://h:1\n    client_secret_env: !Sup3rSecretTag\n`));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings).toEqual([]);
  });

  it('says which file it cannot read', () => {
    expect(() => loadFleetFile(join(dir, 'missing.yaml'))).toThrow(/cannot read fleet file .*missing.yaml: ENOENT/);
  });
});

describe('resolveConnectionOptions with a fleet file', () => {
  it('takes credentials from the variables and files the entry names; flags beat the entry, the entry beats CF_*', async () => {
    const secretFile = join(dir, 'b.secret');
    await writeFile(secretFile, 'file-secret\n');
    const path = join(dir, 'fleet.yaml');
    await writeFile(
      path,
      yaml(`  - name: a
    api: http://127.0.0.1:1/
    client_id_env: A_ID
    client_secret_env: A_SECRET
  - name: b
    api: http://127.0.0.1:2
    username_env: B_USER
    password_file: ${secretFile}
    skip_ssl_validation: true
`),
    );
    const env = {
      CF_SHARES_FOUNDATIONS: path,
      A_ID: 'a-client',
      A_SECRET: 'a-secret',
      B_USER: 'b-user',
      CF_API: 'http://env.example',
      CF_USERNAME: 'env-user',
      CF_PASSWORD: 'env-pw',
    };
    expect(resolveConnectionOptions({ foundation: 'a' }, env)).toMatchObject({
      api: 'http://127.0.0.1:1',
      auth: { clientId: 'a-client', clientSecret: 'a-secret' },
      skipSslValidation: false,
    });
    expect(resolveConnectionOptions({ foundation: 'b' }, env)).toMatchObject({
      api: 'http://127.0.0.1:2',
      auth: { username: 'b-user', password: 'file-secret' },
      skipSslValidation: true,
    });
    // Flags win over the entry, field by field, and a flag naming an identity brings its own credentials.
    expect(
      resolveConnectionOptions({ foundation: 'b', api: 'http://flag.example', skipSslValidation: false }, env),
    ).toMatchObject({ api: 'http://flag.example', skipSslValidation: false });
    expect(resolveConnectionOptions({ foundation: 'a', username: 'flag-user', password: 'p' }, env).auth).toEqual({
      username: 'flag-user',
      password: 'p',
    });
    // Without --foundation the file is not used, even when CF_SHARES_FOUNDATIONS is set.
    expect(resolveConnectionOptions({}, env)).toMatchObject({ api: 'http://env.example' });
  });

  it('names the variable that is not set, the file that cannot be read, and the foundation that is not there', async () => {
    const path = join(dir, 'fleet-missing.yaml');
    await writeFile(
      path,
      yaml(`  - name: a
    api: http://127.0.0.1:1
    client_id_env: A_ID
    client_secret_env: A_SECRET
  - name: b
    api: http://127.0.0.1:2
    username_env: B_USER
    password_file: ${join(dir, 'nope.secret')}
`),
    );
    const flags = { foundations: path };
    expect(() => resolveConnectionOptions({ ...flags, foundation: 'a' }, { A_ID: 'x' })).toThrow(
      'foundation a: client_secret_env names A_SECRET, which is not set in the environment',
    );
    expect(() => resolveConnectionOptions({ ...flags, foundation: 'b' }, { B_USER: 'u' })).toThrow(
      /foundation b: cannot read password_file .*nope.secret: ENOENT/,
    );
    expect(() => resolveConnectionOptions({ ...flags, foundation: 'c' }, {})).toThrow(
      `no foundation 'c' in ${path} (it has: a, b)`,
    );
    expect(() => resolveConnectionOptions({ foundation: 'a' }, {})).toThrow(
      '--foundation needs a fleet file: pass --foundations FILE or set CF_SHARES_FOUNDATIONS',
    );
    expect(() => resolveConnectionOptions({ ...flags, foundation: 'all' }, {})).toThrow(
      'this command works on one foundation',
    );
  });
});
