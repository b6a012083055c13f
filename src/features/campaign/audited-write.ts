import type { WriteHooks } from '../../client/index.js';
import type { CampaignStore } from './campaign-store.js';
import type { SentWrite } from './campaign-model.js';
import type { RateGate } from './rate-gate.js';

/**
 * Hooks for one write of a campaign: each HTTP send (transport retries included) first waits for a slot of the
 * campaign's write window, then is recorded in the audit trail BEFORE it leaves the process, and is completed with
 * CC's status and request id (or the network error) when it comes back. A crash in between leaves
 * "sent, answer unknown", never a missing write.
 */
export function auditedWrite(
  store: CampaignStore,
  campaignId: string,
  write: {
    identity: string;
    method: string;
    path: string;
    itemId?: string;
    gate?: RateGate;
    /** An unshare DELETE: also remembered as its item's last one. */
    unshare?: boolean;
  },
): WriteHooks {
  return {
    async beforeSend({ n, requestId }) {
      await write.gate?.acquire();
      const sent: SentWrite = {
        id: requestId,
        at: new Date().toISOString(),
        identity: write.identity,
        method: write.method,
        path: write.path,
        send: n,
        ...(write.itemId !== undefined && { itemId: write.itemId }),
      };
      await store.auditSent(campaignId, sent, { unshare: write.unshare === true });
    },
    async afterAnswer({ requestId }, answer) {
      const at = new Date().toISOString();
      await store.auditAnswer(
        campaignId,
        requestId,
        'status' in answer
          ? {
              at,
              status: answer.status,
              requestId: answer.requestId,
              ...(answer.ccCode !== undefined && { ccCode: answer.ccCode }),
            }
          : { at, networkError: answer.networkError },
      );
    },
  };
}
