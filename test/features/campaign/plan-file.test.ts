import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertPlanFor,
  canonicalJson,
  computePlanHash,
  planFileOf,
  planItemsOf,
  readPlanFile,
  verifyPlanFile,
  type PlanFile,
} from '../../../src/features/campaign/plan-file.js';
import { renderPlanFiles } from '../../../src/features/campaign/render-plan-files.js';
import { preparePlanDir, writePlanFiles } from '../../../src/features/campaign/plan-output.js';
import { summarizePlan } from '../../../src/features/campaign/build-plan.js';
import type { PlanItem } from '../../../src/features/campaign/campaign-model.js';
import type { CampaignPlan } from '../../../src/features/campaign/plan-campaign.js';
import { UsageError } from '../../../src/usage-error.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
const scratch = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'cf-shares-plan-file-'));
  dirs.push(dir);
  return dir;
};

const NASTY_APP = 'pay|<img src=x>*[x](http://evil)\x1b[2J\u202e';
const NASTY_INSTANCE = '=HYPERLINK("http://evil")';

const items: PlanItem[] = [
  {
    id: 'c-si-2-t2',
    instance: { guid: 'si-2', name: NASTY_INSTANCE, offering: 'postgres', plan: 'small' },
    source: { org: 'alpha', space: 'data', space_guid: 'src' },
    target: { org: 'beta', space: 'api', space_guid: 't2', org_guid: 'org-b' },
    bindings: [],
  },
  {
    id: 'c-si-1-t1',
    instance: { guid: 'si-1', name: 'orders-db', offering: 'postgres', plan: 'small' },
    source: { org: 'alpha', space: 'data', space_guid: 'src' },
    target: { org: 'alpha', space: 'web', space_guid: 't1', org_guid: 'org-a' },
    bindings: [
      { guid: 'b-1', app_guid: 'app-1', app: NASTY_APP },
      { guid: 'b-2', app_guid: 'app-2', app: 'billing' },
    ],
  },
];
const plan: CampaignPlan = {
  campaignId: 'c',
  items,
  summary: summarizePlan(items),
  flagEnabled: true,
  createdBy: 'admin',
  keys: { 'si-1': [{ guid: 'k-1', name: 'ci-key' }] },
};
const file = planFileOf(plan, {
  api: 'https://api.example.org',
  createdAt: '2026-11-02T10:00:00.000Z',
  selectors: { targetOrg: ['alpha', 'beta'] },
  onlyUnbound: false,
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined, b: 'x' } })).toBe('{"a":{"b":"x","d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('planFileOf', () => {
  it('holds every share in a stable order, its bindings and surviving keys, counts and a hash of its content', () => {
    expect(file.schema).toBe('cf-shares/plan@1');
    expect(file.shares.map((s) => `${s.instance.guid} ${s.target.space_guid}`)).toEqual(['si-1 t1', 'si-2 t2']);
    expect(file.shares[0]!.bindings.map((b) => b.guid)).toEqual(['b-1', 'b-2']);
    expect(file.shares[0]!.keys).toEqual([{ guid: 'k-1', name: 'ci-key' }]);
    expect(file.counts).toEqual({
      shares: 2,
      instances: 2,
      target_spaces: 2,
      bindings_to_delete: 2,
      apps_affected: 2,
      keys_surviving: 1,
    });
    expect(file.plan_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(computePlanHash(file)).toBe(file.plan_hash);
    // The same content in another key order hashes the same.
    const reordered = JSON.parse(JSON.stringify({ ...file, shares: file.shares, api: file.api })) as PlanFile;
    expect(computePlanHash(reordered)).toBe(file.plan_hash);
  });

  it('gives the items back for a new campaign, ids of that campaign', () => {
    const again = planItemsOf(file, 'new');
    expect(again.map((item) => item.id)).toEqual(['new-si-1-t1', 'new-si-2-t2']);
    expect(again[0]!.bindings).toEqual(items[1]!.bindings);
  });
});

describe('verifyPlanFile / readPlanFile', () => {
  it('accepts the file as written, through the JSON on disk', async () => {
    const dir = await scratch();
    await writePlanFiles(dir, file);
    expect(await readPlanFile(join(dir, 'plan.json'))).toEqual(file);
  });

  it.each([
    ['a share removed', (p: PlanFile) => ({ ...p, shares: p.shares.slice(1) })],
    ['a binding removed', (p: PlanFile) => ({ ...p, shares: [{ ...p.shares[0]!, bindings: [] }, p.shares[1]] })],
    ['the API changed', (p: PlanFile) => ({ ...p, api: 'https://api.other.org' })],
    ['the hash replaced', (p: PlanFile) => ({ ...p, plan_hash: `sha256:${'0'.repeat(64)}` })],
  ])('refuses a tampered plan: %s', (_name, tamper) => {
    expect(() => verifyPlanFile(JSON.parse(JSON.stringify(tamper(file))), 'plan.json')).toThrow(
      /was changed after it was written/,
    );
  });

  it('refuses what is not a plan, and a file that is not JSON or not there, as usage errors', async () => {
    expect(() => verifyPlanFile({ schema: 'cf-shares/report@1' }, 'x.json')).toThrow(UsageError);
    expect(() => verifyPlanFile({ ...file, plan_hash: undefined }, 'x.json')).toThrow(/no plan_hash/);
    const dir = await scratch();
    await writeFile(join(dir, 'bad.json'), '{nope');
    await expect(readPlanFile(join(dir, 'bad.json'))).rejects.toThrow(/is not JSON/);
    await expect(readPlanFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read the plan .*ENOENT/);
  });

  it('refuses a plan of another foundation', () => {
    expect(() => assertPlanFor(file, 'https://api.example.org')).not.toThrow();
    expect(() => assertPlanFor(file, 'https://api.other.org')).toThrow(/plan is for https:\/\/api.example.org/);
  });
});

describe('renderPlanFiles', () => {
  const files = renderPlanFiles(file);

  it('plan.csv has one row per binding, one per share without, and escapes names', () => {
    const lines = files['plan.csv']!.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'instance_guid,instance,offering,plan,source_org,source_space,source_space_guid,target_org,target_org_guid,target_space,target_space_guid,binding_guid_destroyed,app_guid,app,keys_surviving,note,plan_hash',
    );
    expect(lines).toHaveLength(4);
    expect(lines.filter((line) => line.startsWith('si-1,'))).toHaveLength(2);
    expect(lines.find((line) => line.startsWith('si-2,'))).toContain(`"'=HYPERLINK(""http://evil"")"`);
    // eslint-disable-next-line no-control-regex -- an ESC must not reach the file
    expect(files['plan.csv']).not.toMatch(/\x1b|\u202e/);
    expect(files['plan.csv']).toContain('\\x1b[2J\\u202e');
  });

  it('plan.md lists every share, what it destroys and the keys that survive, with names escaped', () => {
    const md = files['plan.md']!;
    expect(md).toContain(file.plan_hash);
    expect(md).toContain('deletes 2 app binding(s)');
    expect(md).toContain('1 service key(s) of these instances **survive**');
    expect(md).toContain('ci-key (k-1)');
    expect(md).toContain('| pay\\|\\<img src=x\\>\\*\\[x\\](http://evil)\\\\x1b\\[2J\\\\u202e | app-1 | b-1 |');
    // eslint-disable-next-line no-control-regex -- an ESC must not reach the file
    expect(md).not.toMatch(/(?<!\\)<img|\x1b|\u202e/);
    expect(md).toContain('Destroys no app binding.');
    expect(md).toContain('| selectors | --target-org alpha, beta |');
  });

  it('plan.json keeps the names exact, and hides bidi controls from cat', () => {
    expect(files['plan.json']).not.toContain('\u202e');
    expect((JSON.parse(files['plan.json']!) as PlanFile).shares[0]!.bindings[0]!.app).toBe(NASTY_APP);
  });
});

describe('preparePlanDir', () => {
  it('proves the folder writable, and refuses a folder that already holds a plan or cannot be made', async () => {
    const dir = await scratch();
    await preparePlanDir(join(dir, 'a', 'b'));
    // The check leaves no empty folder behind; the writer makes it.
    await expect(readFile(join(dir, 'a'))).rejects.toThrow(/ENOENT/);
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await writeFile(join(dir, 'a', 'b', 'plan.json'), '{}');
    await expect(preparePlanDir(join(dir, 'a', 'b'))).rejects.toThrow(/already holds a plan.json/);
    await writeFile(join(dir, 'file'), '');
    await expect(preparePlanDir(join(dir, 'file', 'sub'))).rejects.toThrow(/is a file, not a folder/);
    expect(await readFile(join(dir, 'a', 'b', 'plan.json'), 'utf8')).toBe('{}');
  });
});
