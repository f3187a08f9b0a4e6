import type { Overview } from '../overview-queries.js';
import { Layout, type PageContext } from './layout.js';
import { Badge, BarChart, Card, duration, Time, Scroll } from './widgets.js';

const OUTCOME_LABELS = { succeeded: 'succeeded (2xx)', http_error: 'HTTP error', network_error: 'no answer' };

export function OverviewPage({ page, overview, now }: { page: PageContext; overview: Overview; now: Date }) {
  const attempts = Object.entries(overview.attemptsByOutcome).map(([k, v]) => ({
    name: OUTCOME_LABELS[k as keyof typeof OUTCOME_LABELS],
    value: v,
    tone: k === 'succeeded' ? ('good' as const) : ('bad' as const),
  }));
  return (
    <Layout title="Overview" page={page}>
      <div class="grid">
        <Card title="Queue">
          <p class="big">
            <a href="/admin/deliveries?outcome=pending">{overview.queueDepth.toLocaleString('en-US')}</a>
          </p>
          <p class="help">deliveries waiting to be sent (due now or later)</p>
        </Card>
        <Card title="Events per type, last 24 h">
          <BarChart
            label="Events per type over the last 24 hours"
            rows={overview.eventsByType.map((r) => ({ name: r.type, value: r.count }))}
          />
        </Card>
        <Card title="Delivery attempts, last 24 h">
          <p class="help">“No answer”: a timeout, a refused connection or a blocked address.</p>
          <BarChart label="Delivery attempts by outcome over the last 24 hours" rows={attempts} />
        </Card>
      </div>
      <Card title="Subscriptions needing attention">
        {overview.troubled.length === 0 ? (
          <p>Every subscription is enabled and its last attempts succeeded.</p>
        ) : (
          <Scroll label="Subscriptions needing attention">
            <table>
              <thead>
                <tr>
                  <th scope="col">Subscription</th>
                  <th scope="col">State</th>
                  <th scope="col">Failing since</th>
                  <th scope="col">Failed attempts, 24 h</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {overview.troubled.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <a href={`/admin/subscriptions/${s.id}`}>#{s.id}</a> {s.description ?? ''} <span class="url">{s.url}</span>
                    </td>
                    <td>
                      <Badge status={s.enabled ? 'enabled' : 'disabled'} />
                    </td>
                    <td>
                      <Time value={s.failingSinceUtc} />
                    </td>
                    <td>
                      <a href={`/admin/deliveries?subscription=${s.id}&outcome=failed`}>{s.failuresLast24h}</a>
                    </td>
                    <td>
                      {s.disabledReason ??
                        (s.failingSinceUtc
                          ? 'every attempt since then has failed; after several in a row the dispatcher pauses it (circuit)'
                          : '')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </Card>
      <Card title="Capture, per source object">
        <Scroll label="Capture per source object">
          <table>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Last key</th>
                <th scope="col">Newest event happened</th>
                <th scope="col">Capture lag of that event</th>
                <th scope="col">Watermark moved</th>
              </tr>
            </thead>
            <tbody>
              {overview.sources.map((s) => (
                <tr key={s.source}>
                  <th scope="row">{s.source}</th>
                  <td>{s.lastKey ?? '—'}</td>
                  <td>
                    <Time value={s.newestCreatedUtc} />
                  </td>
                  <td>{duration(s.lagSeconds)}</td>
                  <td>
                    {s.watermarkUpdatedUtc
                      ? `${duration(Math.max(0, Math.round((now.getTime() - s.watermarkUpdatedUtc.getTime()) / 1000)))} ago`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </Card>
    </Layout>
  );
}
