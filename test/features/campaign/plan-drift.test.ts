import { describe, expect, it } from 'vitest';
import { comparePlan, describeDrift, driftRefusal, renderDrift } from '../../../src/features/campaign/plan-drift.js';
import type { PlanFileShare } from '../../../src/features/campaign/plan-file.js';
import type { PlanItem } from '../../../src/features/campaign/campaign-model.js';

const share = (instance: string, target: string, bindings: string[], source = 'src'): PlanFileShare => ({
  instance: { guid: instance, name: `${instance}-name`, offering: 'postgres', plan: 'small' },
  source: { org: 'alpha', space: 'data', space_guid: source },
  target: { org: 'beta', space: `${target}-name`, space_guid: target, org_guid: 'org-b' },
  bindings: bindings.map((guid) => ({ guid, app_guid: `app-of-${guid}`, app: `app ${guid}` })),
  keys: [],
});
const item = (s: PlanFileShare): PlanItem => ({
  id: `now-${s.instance.guid}-${s.target.space_guid}`,
  instance: s.instance,
  source: s.source,
  target: s.target,
  bindings: s.bindings,
});

describe('comparePlan', () => {
  const planned = [share('si-1', 't1', ['b1']), share('si-2', 't2', []), share('si-3', 't3', ['b3', 'b4'])];

  it('finds no drift when the planned shares are as planned, whatever else appeared', () => {
    const drift = comparePlan(planned, [...planned.map(item), item(share('si-9', 't9', ['b9']))]);
    expect(drift).toEqual({ destructive: [], goneShares: [], goneBindings: 0 });
    expect(renderDrift(drift)).toBe('The planned shares are as planned: no drift.\n');
  });

  it('calls a new binding on a planned share destructive, and names it', () => {
    const drift = comparePlan(planned, [
      item(share('si-1', 't1', ['b1', 'b-new'])),
      item(planned[1]!),
      item(planned[2]!),
    ]);
    expect(drift.destructive).toHaveLength(1);
    expect(drift.destructive[0]).toMatchObject({ kind: 'new_binding', binding: { guid: 'b-new' } });
    expect(describeDrift(drift.destructive[0]!)).toBe(
      'new binding b-new of app app b-new (app-of-b-new) on si-1-name (si-1) into beta/t1-name (t1)',
    );
    expect(driftRefusal(drift)).toMatch(/^the foundation drifted since the plan: new binding b-new .*--allow-drift/);
  });

  it('calls an instance now in another space destructive', () => {
    const drift = comparePlan(planned, [
      item(share('si-1', 't1', ['b1'], 'elsewhere')),
      item(planned[1]!),
      item(planned[2]!),
    ]);
    expect(drift.destructive).toEqual([
      expect.objectContaining({ kind: 'instance_moved', nowInSpaceGuid: 'elsewhere' }),
    ]);
    expect(describeDrift(drift.destructive[0]!)).toBe('instance si-1-name (si-1) moved from space src to elsewhere');
  });

  it('lets shares and bindings that went away through: they destroy less', () => {
    const drift = comparePlan(planned, [item(planned[0]!), item(share('si-3', 't3', ['b3']))]);
    expect(drift.destructive).toEqual([]);
    expect(drift.goneShares.map((s) => s.instance.guid)).toEqual(['si-2']);
    expect(drift.goneBindings).toBe(1);
    expect(renderDrift(drift)).toContain(
      '1 planned share(s) are no longer shared: they will be recorded as already_unshared.',
    );
  });

  it('lists at most ten changes, counts the rest, and escapes names from the API', () => {
    const many = share('si-1', 't1', []);
    const now = {
      ...item(many),
      bindings: Array.from({ length: 12 }, (_, i) => ({ guid: `n${i}`, app_guid: `a${i}`, app: `evil\x1b[2J${i}` })),
    };
    const drift = comparePlan([many], [now]);
    const text = renderDrift(drift);
    expect(text).toContain('(12 change(s))');
    expect(text).toContain('  ... and 2 more');
    expect(text).not.toContain('\x1b');
    expect(text).toContain('evil\\x1b[2J0');
    expect(driftRefusal(drift)).toContain('and 11 more change(s)');
  });
});
