import type { CampaignMeta } from '../../src/features/campaign/campaign-model.js';

/** A running campaign's record with the defaults `unshare-all` uses, for tests that write one straight to Redis. */
export function campaignMeta(fields: Pick<CampaignMeta, 'id' | 'api' | 'total'> & Partial<CampaignMeta>): CampaignMeta {
  return {
    createdAt: new Date().toISOString(),
    createdBy: 'tester',
    status: 'running',
    options: {
      rate: 5,
      maxAttempts: 3,
      retryDelaySeconds: 1,
      onlyUnbound: false,
      deleteBindingsFirst: false,
      selectors: {},
    },
    ...fields,
  };
}
