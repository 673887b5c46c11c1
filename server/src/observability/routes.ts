/**
 * Operational endpoints, next to /healthz (liveness, in server.ts):
 *
 *   GET /readyz    200 {status:'ready', database:{...}} when this instance can
 *                  acknowledge edits; 503 {status:'unavailable'} while
 *                  PostgreSQL is unreachable, 503 {status:'draining'} while
 *                  it shuts down. For load balancers and orchestrators.
 *   GET /metrics   Prometheus text format (see metrics.ts).
 *
 * Neither needs a token: they tell nothing about any declaration. Put them
 * behind the network's own fence if the instance is exposed.
 */
import type express from 'express';
import { readiness } from '../runtime/readiness.js';
import type { Services } from '../services.js';

export function mountOperationalRoutes(app: express.Express, services: Services): void {
  app.get('/readyz', async (_req, res) => {
    const state = await readiness(services.serving, services.databaseProbe);
    res.status(state.ready ? 200 : 503).json(state);
  });
  app.get('/metrics', async (_req, res) => {
    try {
      const text = await services.metrics.render();
      res.setHeader('content-type', services.metrics.contentType);
      res.send(text);
    } catch (error) {
      services.log.error({ err: error }, 'could not render metrics');
      res.status(500).type('text/plain').send('could not render metrics\n');
    }
  });
}
