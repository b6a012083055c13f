import { resourceNotFound } from '../errors.js';
import { ok, type RouteDef } from '../http-types.js';
import { presentJob } from '../presenters/bindings.js';

/** `GET /v3/jobs/:guid` (cc-api.md §3.3); all roles may read jobs. */
export const jobRoutes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/v3/jobs/:guid',
    handler: (ctx) => {
      const f = ctx.state.foundation;
      const job = f.jobs.get(ctx.params.guid!);
      if (!job) throw resourceNotFound('Job');
      const exists =
        job.resourceType === 'service_instances'
          ? f.instanceByGuid.has(job.resourceGuid)
          : f.bindingByGuid.has(job.resourceGuid);
      return ok(presentJob(job, ctx.baseUrl, exists));
    },
  },
];
