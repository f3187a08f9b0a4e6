import type { FastifyInstance } from 'fastify';
import { readOverview } from './overview-queries.js';
import { type PortalDeps, sendPage, sessionOf } from './pages.js';
import { OverviewPage } from './views/overview-page.js';

export function registerOverviewPage(portal: FastifyInstance, deps: PortalDeps): void {
  portal.get('/', async (request, reply) => {
    const now = new Date(deps.now());
    const overview = await readOverview(deps.store, deps.captureSources, now);
    return sendPage(
      reply,
      <OverviewPage page={{ csrfToken: sessionOf(request).csrfToken, section: 'overview' }} overview={overview} now={now} />,
    );
  });
}
