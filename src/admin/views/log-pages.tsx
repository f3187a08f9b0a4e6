import type { AttemptView } from '../../delivery/delivery-log.js';
import { EVENT_TYPES } from '../../outbox/event-types.js';
import type { DeliverySummary, EventSummary } from '../log-queries.js';
import { Csrf, Layout, type PageContext } from './layout.js';
import { Badge, Card, ErrorText, Pager, Pre, Time, Scroll } from './widgets.js';

export interface EventFilterValues {
  type: string;
  id: string;
  from: string;
  to: string;
}

export interface Paging {
  next: string | null;
  first: string | null;
}

function TimeRange({ from, to }: { from: string; to: string }) {
  return (
    <>
      <div class="field">
        <label for="from">From (UTC)</label>
        <input id="from" name="from" type="datetime-local" step="1" value={from} />
      </div>
      <div class="field">
        <label for="to">Before (UTC)</label>
        <input id="to" name="to" type="datetime-local" step="1" value={to} />
      </div>
    </>
  );
}

/** A filter field for a number typed by hand (an id, an HTTP status). */
function NumberFilter({ name, label, value, size }: { name: string; label: string; value: string; size: number }) {
  return (
    <div class="field">
      <label for={name}>{label}</label>
      <input id={name} name={name} type="text" inputMode="numeric" value={value} size={size} />
    </div>
  );
}

/** A filter field choosing one of a list, or none of them ("any …"). */
function ChoiceFilter({
  name,
  label,
  any,
  choices,
  chosen,
}: {
  name: string;
  label: string;
  any: string;
  choices: readonly string[];
  chosen: string;
}) {
  return (
    <div class="field">
      <label for={name}>{label}</label>
      <select id={name} name={name}>
        <option value="">{any}</option>
        {choices.map((c) => (
          <option key={c} value={c} selected={c === chosen}>
            {c}
          </option>
        ))}
      </select>
    </div>
  );
}

export function EventsPage({
  page,
  filter,
  rows,
  paging,
  error,
}: {
  page: PageContext;
  filter: EventFilterValues;
  rows: EventSummary[];
  paging: Paging;
  error?: string | undefined;
}) {
  return (
    <Layout title="Events" page={page}>
      <form method="get" action="/admin/events" class="filters" aria-label="Filter events">
        <ChoiceFilter name="type" label="Type" any="any type" choices={EVENT_TYPES} chosen={filter.type} />
        <NumberFilter name="id" label="Event id" value={filter.id} size={10} />
        <TimeRange from={filter.from} to={filter.to} />
        <button type="submit">Filter</button>
      </form>
      <ErrorText message={error} />
      {rows.length === 0 && !error ? <p>No events match.</p> : null}
      {rows.length > 0 ? (
        <Scroll label="Events">
          <table>
            <caption class="visually-hidden">Events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Type</th>
                <th scope="col">Happened</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td>
                    <a href={`/admin/events/${e.id}`}>{e.id}</a>
                  </td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>
                    <Time value={e.createdUtc} />
                  </td>
                  <td>{e.sourceKey}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ) : null}
      <Pager next={paging.next} first={paging.first} />
    </Layout>
  );
}

function DeliveryRows({ rows, showEvent }: { rows: DeliverySummary[]; showEvent: boolean }) {
  return (
    <Scroll label="Deliveries">
      <table>
        <thead>
          <tr>
            <th scope="col">Delivery</th>
            {showEvent ? <th scope="col">Event</th> : null}
            <th scope="col">Subscription</th>
            <th scope="col">Outcome</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last HTTP status</th>
            <th scope="col">Last error</th>
            <th scope="col">Queued</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id}>
              <td>
                <a href={`/admin/deliveries/${d.id}`}>{d.id}</a>
              </td>
              {showEvent ? (
                <td>
                  <a href={`/admin/events/${d.eventId}`}>{d.eventId}</a> <code>{d.eventType ?? ''}</code>
                </td>
              ) : null}
              <td>
                <a href={`/admin/subscriptions/${d.subscriptionId}`}>#{d.subscriptionId}</a>{' '}
                <span class="url">{d.subscriptionUrl ?? ''}</span>
              </td>
              <td>
                <Badge status={d.status} />
              </td>
              <td>{d.attemptCount}</td>
              <td>{d.lastHttpStatus ?? '—'}</td>
              <td>{d.lastError ?? ''}</td>
              <td>
                <Time value={d.createdUtc} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

export function EventPage({
  page,
  id,
  type,
  body,
  deliveries,
}: {
  page: PageContext;
  id: number;
  type: string;
  body: string;
  deliveries: DeliverySummary[];
}) {
  return (
    <Layout title={`Event ${id}: ${type}`} page={page}>
      <Card title="Envelope">
        <Pre text={JSON.stringify(JSON.parse(body), null, 2)} label="Envelope, pretty-printed" />
        <details>
          <summary>The exact bytes a receiver gets ({Buffer.byteLength(body, 'utf8')} bytes)</summary>
          <Pre text={body} label="Envelope as sent" />
        </details>
      </Card>
      <Card title="Deliveries, per subscription">
        {deliveries.length === 0 ? <p>No subscription took this event.</p> : <DeliveryRows rows={deliveries} showEvent={false} />}
      </Card>
    </Layout>
  );
}

export interface DeliveryFilterValues {
  subscription: string;
  outcome: string;
  status: string;
  from: string;
  to: string;
}

export const OUTCOMES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;

export function DeliveriesPage({
  page,
  filter,
  rows,
  paging,
  error,
}: {
  page: PageContext;
  filter: DeliveryFilterValues;
  rows: DeliverySummary[];
  paging: Paging;
  error?: string | undefined;
}) {
  return (
    <Layout title="Delivery log" page={page}>
      <form method="get" action="/admin/deliveries" class="filters" aria-label="Filter deliveries">
        <NumberFilter name="subscription" label="Subscription id" value={filter.subscription} size={8} />
        <ChoiceFilter name="outcome" label="Outcome" any="any outcome" choices={OUTCOMES} chosen={filter.outcome} />
        <NumberFilter name="status" label="HTTP status" value={filter.status} size={5} />
        <TimeRange from={filter.from} to={filter.to} />
        <button type="submit">Filter</button>
      </form>
      <ErrorText message={error} />
      {rows.length === 0 && !error ? <p>No deliveries match.</p> : null}
      {rows.length > 0 ? <DeliveryRows rows={rows} showEvent={true} /> : null}
      <Pager next={paging.next} first={paging.first} />
    </Layout>
  );
}

export function DeliveryPage({ page, delivery: d, attempts }: { page: PageContext; delivery: DeliverySummary; attempts: AttemptView[] }) {
  return (
    <Layout title={`Delivery ${d.id}`} page={page}>
      <Card title="Details">
        <dl class="facts">
          <dt>Outcome</dt>
          <dd>
            <Badge status={d.status} />
          </dd>
          <dt>Event</dt>
          <dd>
            <a href={`/admin/events/${d.eventId}`}>{d.eventId}</a> <code>{d.eventType ?? ''}</code>
          </dd>
          <dt>Subscription</dt>
          <dd>
            <a href={`/admin/subscriptions/${d.subscriptionId}`}>#{d.subscriptionId}</a> <span class="url">{d.subscriptionUrl ?? ''}</span>
          </dd>
          <dt>Queued</dt>
          <dd>
            <Time value={d.createdUtc} />
          </dd>
          <dt>{d.status === 'pending' ? 'Next attempt' : 'Finished'}</dt>
          <dd>
            <Time value={d.status === 'pending' ? d.nextAttemptUtc : d.completedUtc} />
          </dd>
          <dt>Last error</dt>
          <dd>{d.lastError ?? '—'}</dd>
        </dl>
        <form method="post" action={`/admin/deliveries/${d.id}/resend`}>
          <Csrf token={page.csrfToken} />
          <button type="submit">Resend now</button>
        </form>
      </Card>
      <Card title="Attempts">
        {attempts.length === 0 ? <p>No attempt yet.</p> : null}
        <ul class="attempts">
          {attempts.map((a, i) => (
            <li key={a.id}>
              <h3>
                Attempt {i + 1}: {a.http_status === null ? (a.error_class ?? 'no answer') : `HTTP ${a.http_status}`}
              </h3>
              <dl class="facts">
                <dt>Time</dt>
                <dd>
                  <Time value={new Date(a.attempted_utc)} />
                </dd>
                <dt>Elapsed</dt>
                <dd>{a.elapsed_ms} ms</dd>
                <dt>Error</dt>
                <dd>{a.error_class ?? '—'}</dd>
                {a.attempt_number !== i + 1 ? (
                  <>
                    <dt>Series</dt>
                    <dd>attempt {a.attempt_number} after the delivery was queued again</dd>
                  </>
                ) : null}
              </dl>
              {a.response_body ? <Pre text={a.response_body} label={`Response body of attempt ${i + 1} (first 4,000 characters)`} /> : null}
            </li>
          ))}
        </ul>
      </Card>
    </Layout>
  );
}
