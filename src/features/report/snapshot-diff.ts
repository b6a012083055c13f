import type { Report, ReportBrokerShare, ReportShare } from './report-model.js';

/** Shares that appeared or disappeared between two reports of the same foundation. */
export interface ShareDiff {
  schema: 'cf-shares/diff@1';
  previous_generated_at: string | null;
  current_generated_at: string;
  added: ReportShare[];
  removed: ReportShare[];
  /**
   * Broker-level shares (proxy and the original it names) that appeared or disappeared; present when either report
   * has broker-level shares (additive to diff@1).
   */
  broker_added?: ReportBrokerShare[];
  broker_removed?: ReportBrokerShare[];
}

/** A broker-level share is its proxy and the original it names: a proxy re-pointed is one removed and one added. */
const brokerEdge = (share: ReportBrokerShare): string => `${share.proxy.guid} ${share.original_guid ?? ''}`;

function diffBrokerShares(
  previous: Report | null,
  current: Report,
): Pick<ShareDiff, 'broker_added' | 'broker_removed'> {
  if (!previous?.broker_shares && !current.broker_shares) return {};
  const was = previous?.broker_shares?.proxies ?? [];
  const now = current.broker_shares?.proxies ?? [];
  const before = new Set(was.map(brokerEdge));
  const after = new Set(now.map(brokerEdge));
  return {
    broker_added: now.filter((share) => !before.has(brokerEdge(share))),
    broker_removed: was.filter((share) => !after.has(brokerEdge(share))),
  };
}

const edge = (share: ReportShare): string => `${share.instance.guid} ${share.target.space_guid}`;

/** Compares the share edges (instance, target space) of two reports; `previous` null means a first report. */
export function diffShares(previous: Report | null, current: Report): ShareDiff {
  const before = new Map((previous?.shares ?? []).map((share) => [edge(share), share]));
  const after = new Map(current.shares.map((share) => [edge(share), share]));
  return {
    schema: 'cf-shares/diff@1',
    previous_generated_at: previous?.generated_at ?? null,
    current_generated_at: current.generated_at,
    added: current.shares.filter((share) => !before.has(edge(share))),
    removed: (previous?.shares ?? []).filter((share) => !after.has(edge(share))),
    ...diffBrokerShares(previous, current),
  };
}
