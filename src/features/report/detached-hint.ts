import { safeText } from '../../terminal/safe-text.js';

/**
 * What a person does after `report --detach` or `export --detach`: the job only waits on Redis, so they need to know
 * that a worker of the foundation must run it, how to see when it is done, and how to fetch the files. The report id
 * is the time the worker finished the crawl, the foundation's hash and the job id (see reportId), so `reports list`
 * shows it as `<time>-<hash>-<job>`.
 */
export function detachedHint(kind: 'report' | 'export', jobId: string, api: string): string {
  const job = safeText(jobId);
  return [
    `job: ${job}`,
    `queued: a worker of ${safeText(api)} runs it; start one if none is running: cf-shares worker (logged in to that API)`,
    `follow:  cf-shares reports list   (the ${kind} is listed once done, with an id ending in -${job})`,
    `fetch:   cf-shares reports get <id> --out DIR`,
    '',
  ].join('\n');
}
