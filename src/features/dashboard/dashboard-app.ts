import express, { type NextFunction, type Request, type Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { RedactingBullMQAdapter } from './redact-job-data.js';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { RedisClient } from '../../core/redis-connection.js';
import type { Logger } from '../../log.js';
import { foundationPrefix } from '../../core/queue-names.js';
import { ReportStore } from '../report/report-store.js';
import { CampaignStore } from '../campaign/campaign-store.js';
import { listCampaigns } from '../campaign/campaign-actions.js';
import { campaignStatus } from '../campaign/campaign-status.js';
import { campaignQueues, cancelCampaign } from '../campaign/campaign-queue.js';
import type { CfSharesMetrics } from '../metrics/cf-shares-metrics.js';
import { checkRequest, TOKEN_COOKIE, type DashboardAuth } from './dashboard-auth.js';
import { dashboardQueueNames } from './dashboard-queues.js';
import { withReportHtml } from '../report/html/render-html.js';
import { offlineBoardViews } from './offline-board-views.js';
import { campaignPage, campaignsPage, indexPage, reportFileType, reportPage, reportsPage } from './dashboard-pages.js';
import { page, html } from './html.js';

/** What the dashboard's app is built from. */
export interface DashboardAppOptions {
  /** Data commands (pages, gauges). */
  readonly redis: RedisClient;
  /** The connection bull-board's queues use. */
  readonly queueRedis: RedisClient;
  readonly prefix: string;
  readonly auth: DashboardAuth;
  /** bull-board's actions and `campaign cancel`. @defaultValue false: read-only */
  readonly allowActions: boolean;
  /** Foundations of a fleet file, shown even before a worker of theirs registered them. */
  readonly extraApis: readonly string[];
  readonly metrics: CfSharesMetrics;
  readonly log: Logger;
  /** How long the queue list bull-board shows is kept before Redis is asked again, in ms. @defaultValue 10000 */
  readonly queueRefreshMs?: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The dashboard: bull-board at /queues, pages read from Redis, /metrics. Read-only unless `allowActions`: bull-board's
 * queues are in its readOnlyMode AND every write under /queues is refused here before bull-board sees it, so a
 * bull-board route that forgets its read-only check cannot act either.
 */
export async function dashboardApp(
  options: DashboardAppOptions,
): Promise<{ app: express.Express; close(): Promise<void> }> {
  const { redis, prefix, allowActions } = options;
  const reports = new ReportStore(redis, prefix);
  const campaigns = new CampaignStore(redis, prefix);
  const app = express();
  app.disable('x-powered-by');

  // bull-board: one adapter per queue, refreshed when the prefix registers a foundation.
  const serverAdapter = new ExpressAdapter().setBasePath('/queues');
  const queues = new Map<string, Queue>();
  const adapters = async () => {
    const names = await dashboardQueueNames(redis, prefix, options.extraApis);
    for (const { name, api } of names)
      if (!queues.has(name))
        queues.set(
          name,
          // On a Redis Cluster each foundation's queues sit under its own hash tag.
          new Queue(name, {
            connection: options.queueRedis,
            prefix: foundationPrefix(prefix, api, options.queueRedis),
          }),
        );
    return names.map(({ name }) => new RedactingBullMQAdapter(queues.get(name)!, { readOnlyMode: !allowActions }));
  };
  let shown = await dashboardQueueNames(redis, prefix, options.extraApis);
  const board = createBullBoard({
    queues: await adapters(),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'cf-shares' } },
  });
  const views = await offlineBoardViews();
  serverAdapter.setViewsPath(views.dir);
  let checkedAt = Date.now();
  const refreshQueues = async (): Promise<void> => {
    if (Date.now() - checkedAt < (options.queueRefreshMs ?? 10_000)) return;
    checkedAt = Date.now();
    const names = await dashboardQueueNames(redis, prefix, options.extraApis);
    if (names.map((q) => q.name).join('\n') === shown.map((q) => q.name).join('\n')) return;
    shown = names;
    board.replaceQueues(await adapters());
  };

  app.use((req, res, next) => {
    res.set({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    next();
  });
  app.use((req, res, next) => {
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    const verdict = checkRequest(options.auth, {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      queryToken,
    });
    if (!verdict.allowed) {
      if (options.auth.basic !== undefined) res.set('www-authenticate', 'Basic realm="cf-shares dashboard"');
      res.status(401).type('text/plain').send('unauthorized: a token (Bearer or ?token=) or credentials are needed\n');
      return;
    }
    if (verdict.setCookie && queryToken !== undefined) {
      // Once: the token moves to an HttpOnly cookie and out of the address bar (and of later Referer headers).
      res.cookie(TOKEN_COOKIE, queryToken, { httpOnly: true, sameSite: 'strict', path: '/' });
      const url = new URL(req.originalUrl, 'http://dashboard');
      url.searchParams.delete('token');
      res.redirect(303, `${url.pathname}${url.search}`);
      return;
    }
    next();
  });
  // A write must come from the dashboard's own pages: a browser on another site cannot make one (CSRF).
  app.use((req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && new URL(origin).host !== req.headers.host) {
      res.status(403).type('text/plain').send('refused: a write from another origin\n');
      return;
    }
    if (!allowActions) {
      res.status(405).type('text/plain').send('read-only dashboard: start it with --allow-actions to act\n');
      return;
    }
    next();
  });

  const wrap =
    (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
      handler(req, res).catch(next);

  // Browsers ask for it whatever the page says; an empty answer keeps their consoles clean.
  app.get('/favicon.ico', (_req: Request, res: Response) => {
    res.status(204).end();
  });
  app.get(
    '/',
    wrap(async (_req, res) => {
      res.type('html').send(indexPage({ readOnly: !allowActions, queues: shown.length }));
    }),
  );
  app.use('/queues', (_req: Request, res: Response, next: NextFunction) => {
    // Belt and braces for the template above: bull-board's pages load nothing from elsewhere.
    res.set(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'",
    );
    refreshQueues().then(() => next(), next);
  });
  app.use('/queues', serverAdapter.getRouter() as express.Router);
  app.get(
    '/metrics',
    wrap(async (_req, res) => {
      res.type(options.metrics.registry.contentType).send(await options.metrics.scrape());
    }),
  );
  app.get(
    '/reports',
    wrap(async (_req, res) => {
      res.type('html').send(reportsPage(await reports.list()));
    }),
  );
  app.get(
    '/reports/:id',
    wrap(async (req, res) => {
      const id = await reports.resolve(String(req.params.id));
      const meta = id === undefined ? undefined : (await reports.list()).find((r) => r.id === id);
      const stored = id === undefined ? undefined : await reports.files(id);
      if (meta === undefined || stored === undefined) return notFound(res, 'no such report');
      // Reports are stored without their page; it is rendered from report.json and diff.json, as `reports get` does.
      const files = withReportHtml(stored);
      res.type('html').send(reportPage(meta, Object.keys(files)));
    }),
  );
  app.get(
    '/reports/:id/files/:name',
    wrap(async (req, res) => {
      const stored = await reports.files(String(req.params.id));
      const name = String(req.params.name);
      const text = (name === 'report.html' && stored !== undefined ? withReportHtml(stored) : stored)?.[name];
      if (text === undefined) return notFound(res, 'no such report file');
      if (name === 'report.html')
        // A stored report.html is self-contained: it may run its inline script and styles, and load nothing.
        res.set(
          'content-security-policy',
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:",
        );
      res.set('content-type', reportFileType(name)).send(text);
    }),
  );
  app.get(
    '/campaigns',
    wrap(async (_req, res) => {
      res.type('html').send(campaignsPage(await listCampaigns(campaigns, undefined)));
    }),
  );
  app.get(
    '/campaigns/:id',
    wrap(async (req, res) => {
      const meta = await campaigns.meta(String(req.params.id));
      if (meta === undefined) return notFound(res, 'no such campaign');
      const status = await campaignStatus(redis, prefix, campaigns, meta.id);
      const outcomes = await campaigns.outcomes(meta.id);
      const blockedIds = Object.entries(outcomes).filter(([, o]) => o.outcome === 'blocked');
      const blocked = [];
      for (const [id, outcome] of blockedIds) blocked.push({ id, outcome, item: await campaigns.item(meta.id, id) });
      res
        .type('html')
        .send(campaignPage({ meta, progress: status.progress, lines: status.lines, blocked, allowActions }));
    }),
  );
  app.post(
    '/campaigns/:id/cancel',
    wrap(async (req, res) => {
      const meta = await campaigns.meta(String(req.params.id));
      if (meta === undefined) return notFound(res, 'no such campaign');
      if (meta.status === 'done') {
        res.status(409).type('text/plain').send(`campaign ${meta.id} is already done\n`);
        return;
      }
      const queuesOfCampaign = campaignQueues(options.queueRedis, prefix, meta.api);
      try {
        const { cancelled, settling, inFlight } = await cancelCampaign(queuesOfCampaign, campaigns, meta);
        options.log.info(
          { campaignId: meta.id, cancelled, settling, inFlight },
          'campaign cancelled from the dashboard',
        );
      } finally {
        await queuesOfCampaign.close();
      }
      res.redirect(303, `/campaigns/${encodeURIComponent(meta.id)}`);
    }),
  );
  app.use((_req: Request, res: Response) => notFound(res, 'not found'));
  // One line, never a stack or a Redis URL.
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    options.log.warn({ err: { message: error.message } }, 'dashboard request failed');
    if (!res.headersSent) res.status(500).type('text/plain').send('the dashboard could not answer this request\n');
  });

  return {
    app,
    close: async () => {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await views.remove();
    },
  };
}

function notFound(res: Response, what: string): void {
  res
    .status(404)
    .type('html')
    .send(page('not found', html`<p>${what}</p>`));
}
