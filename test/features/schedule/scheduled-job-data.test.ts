import { describe, expect, it } from 'vitest';
import { scheduledJobData } from '../../../src/features/schedule/schedule-command.js';

describe('scheduledJobData', () => {
  it('carries --proxy-plan values, once or repeated, into every tick', async () => {
    expect((await scheduledJobData(['report'])).proxyPlans).toBeUndefined();
    expect((await scheduledJobData(['report', '--proxy-plan', 'vault-share:proxy'])).proxyPlans).toEqual([
      'vault-share:proxy',
    ]);
    const both = await scheduledJobData(['export', '--proxy-plan', 'a:proxy', '--proxy-plan', 'b:proxy']);
    expect(both.proxyPlans).toEqual(['a:proxy', 'b:proxy']);
  });

  it('refuses a --proxy-plan that is not OFFERING:PLAN when the schedule is added', async () => {
    await expect(scheduledJobData(['report', '--proxy-plan', 'nope'])).rejects.toThrow(
      "--proxy-plan must be OFFERING:PLAN (e.g. credstore:proxy), not 'nope'",
    );
  });
});
