import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import { runCli } from '../helpers/run-cli.js';
import { REDIS_URL } from '../helpers/redis-prefix.js';
import { cliSuite } from '../helpers/cli-suite.js';

// In-process, for the users of every role (the --json line of `cf-shares sim` names only the admin).
const suite = cliSuite('export', () => startSim({ seed: 5, spaces: 24, instances: 150 }));
const env = (prefix: string, user: { username: string; password: string } = suite.sim.users.admin_read_only) => ({
  CF_API: suite.sim.url,
  CF_USERNAME: user.username,
  CF_PASSWORD: user.password,
  REDIS_URL,
  CF_SHARES_PREFIX: prefix,
});

describe('cf-shares export', () => {
  it('writes a bundle an auditor can verify: every file hashed in the manifest, audit events of the window', async () => {
    // An unshare inside the window, so the bundle has an event to carry.
    const token = await fetch(`${suite.sim.url}/uaa/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: suite.sim.credentials.clientId,
        client_secret: suite.sim.credentials.clientSecret,
      }),
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const truth = (await (await fetch(`${suite.sim.url}/_sim/truth`)).json()) as {
      shares: Array<{ instance_guid: string; target_space_guid: string; bound_app_guids: string[] }>;
    };
    const bound = truth.shares.find((share) => share.bound_app_guids.length > 0)!;
    const unshare = await fetch(
      `${suite.sim.url}/v3/service_instances/${bound.instance_guid}/relationships/shared_spaces/${bound.target_space_guid}`,
      {
        method: 'DELETE',
        headers: { authorization: `bearer ${accessToken}` },
      },
    );
    expect([204, 502]).toContain(unshare.status);

    const prefix = suite.prefix('export');
    const out = join(suite.dir, 'bundle');
    const result = await runCli(['export', '--out', out, '--since', '1d', '--json'], { env: env(prefix) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const names = (await readdir(out)).sort();
    expect(names).toEqual([
      'audit-events.ndjson',
      'bindings.csv',
      'broker-shares.csv',
      'campaign-audit.ndjson',
      'diff.json',
      'findings.csv',
      'keys.csv',
      'manifest.json',
      'report.html',
      'report.json',
      'report.md',
      'shares.csv',
    ]);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.schema).toBe('cf-shares/export@1');
    expect(manifest.api).toBe(suite.sim.url);
    expect(Date.parse(manifest.window.until) - Date.parse(manifest.window.since)).toBeGreaterThanOrEqual(
      86_400_000 - 60_000,
    );
    expect(Object.keys(manifest.files).sort()).toEqual(names.filter((name) => name !== 'manifest.json'));
    for (const [name, entry] of Object.entries(manifest.files as Record<string, { sha256: string; bytes: number }>)) {
      const content = await readFile(join(out, name));
      expect(createHash('sha256').update(content).digest('hex'), name).toBe(entry.sha256);
      expect(content.length).toBe(entry.bytes);
    }
    const events = (await readFile(join(out, 'audit-events.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(manifest.rows['audit-events.ndjson']).toBe(events.length);
    const types = new Set(events.map((event: { type: string }) => event.type));
    expect(types.has('audit.service_binding.delete') || types.has('audit.service_instance.unshare')).toBe(true);
    const bindings = (await readFile(join(out, 'bindings.csv'), 'utf8')).trim().split('\r\n');
    expect(bindings[0]).toBe(
      'binding_guid,instance_guid,instance,app_guid,app,app_org,app_space,app_space_guid,space_role',
    );
    expect(manifest.rows['bindings.csv']).toBe(bindings.length - 1);
  });

  it('refuses an identity that cannot see the whole foundation, before queueing anything', async () => {
    const prefix = suite.prefix('export-dev');
    const result = await runCli(['export', '--out', join(suite.dir, 'dev')], {
      env: env(prefix, suite.sim.users.space_developer),
    });
    expect(result.code).toBe(2);
    // The client's warning that such an identity is rate limited may come first; the refusal is the last line.
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines.at(-1)).toMatch(
      /^cf-shares: user "[^"]+" has no foundation-wide read access .*cloud_controller\.admin_read_only/,
    );
    expect(result.stderr).not.toContain(suite.sim.users.space_developer.password);
    expect((await suite.redis.keys(`{${prefix}}*`)).length).toBe(0);
  });

  it.each([['yesterday'], ['2999-01-01'], ['11/01/2026']])('refuses --since %s with exit 2', async (since) => {
    const result = await runCli(['export', '--out', join(suite.dir, 'x'), '--since', since], {
      env: env(suite.prefix('since')),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cf-shares: --since /);
  });
});
