import type { Report, ReportShare } from './report-model.js';

/** Shares that appeared or disappeared between two reports of the same foundation. */
export interface ShareDiff {
  schema: 'cf-shares/diff@1';
  previous_generated_at: string | null;
  current_generated_at: string;
  added: ReportShare[];
  removed: ReportShare[];
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
  };
}
