import type { Subscription, TestEventResult } from '../../delivery/subscription-service.js';
import { EVENT_DESCRIPTIONS, EVENT_TYPES } from '../../outbox/event-types.js';
import { Csrf, Layout, type PageContext } from './layout.js';
import { Badge, Card, ErrorText, Pager, Pre, Time, utc, Scroll } from './widgets.js';

/** "#3 “Zapier: new clients”" — how a subscription is named to a person. */
export function subscriptionName(s: Subscription): string {
  return s.description ? `#${s.id} “${s.description}”` : `#${s.id}`;
}

export function SubscriptionsPage({ page, rows, next }: { page: PageContext; rows: Subscription[]; next: string | null }) {
  return (
    <Layout title="Subscriptions" page={page}>
      <p>
        <a class="button" href="/admin/subscriptions/new">
          New subscription
        </a>
      </p>
      {rows.length === 0 ? (
        <p>No subscriptions yet. A subscription sends every event of the types it picks to a URL, signed, with retries.</p>
      ) : (
        <Scroll label="Subscriptions">
          <table>
            <thead>
              <tr>
                <th scope="col">Subscription</th>
                <th scope="col">URL</th>
                <th scope="col">Event types</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={`/admin/subscriptions/${s.id}`}>{subscriptionName(s)}</a>
                  </td>
                  <td class="url">{s.url}</td>
                  <td>{s.eventTypes.join(', ')}</td>
                  <td>
                    <Badge status={s.enabled ? 'enabled' : 'disabled'} />
                  </td>
                  <td>
                    <Time value={new Date(s.createdUtc)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <Pager next={next} first={null} />
    </Layout>
  );
}

export interface SubscriptionFormValues {
  url: string;
  eventTypes: string[];
  description: string;
}

/** URL, event types from the catalog (with what each means) and a description. */
function SubscriptionFields({ values }: { values: SubscriptionFormValues }) {
  const all = values.eventTypes.includes('*');
  return (
    <>
      <label for="url">Endpoint URL</label>
      <input
        id="url"
        name="url"
        type="url"
        required
        value={values.url}
        placeholder="https://hooks.example.com/crm"
        aria-describedby="url-help"
      />
      <p id="url-help" class="help">
        Events are sent there as signed POST requests.
      </p>
      <fieldset>
        <legend>Event types</legend>
        <div class="choice">
          <input id="type-all" type="checkbox" name="types" value="*" checked={all} />
          <label for="type-all">
            <strong>All events</strong> <span class="help">including types added later</span>
          </label>
        </div>
        {values.eventTypes
          .filter((pattern) => pattern !== '*' && !(EVENT_TYPES as readonly string[]).includes(pattern))
          .map((pattern) => (
            <div class="choice" key={pattern}>
              <input id={`type-${pattern}`} type="checkbox" name="types" value={pattern} checked />
              <label for={`type-${pattern}`}>
                <code>{pattern}</code> <span class="help">every type of this domain, including types added later</span>
              </label>
            </div>
          ))}
        {EVENT_TYPES.map((type) => (
          <div class="choice" key={type}>
            <input id={`type-${type}`} type="checkbox" name="types" value={type} checked={values.eventTypes.includes(type)} />
            <label for={`type-${type}`}>
              <code>{type}</code> <span class="help">{EVENT_DESCRIPTIONS[type]}</span>
            </label>
          </div>
        ))}
      </fieldset>
      <label for="description">Description</label>
      <input
        id="description"
        name="description"
        type="text"
        maxLength={500}
        value={values.description}
        aria-describedby="description-help"
      />
      <p id="description-help" class="help">
        A name people recognise, such as “Zapier: new clients”.
      </p>
    </>
  );
}

export function NewSubscriptionPage({
  page,
  values,
  error,
}: {
  page: PageContext;
  values: SubscriptionFormValues;
  error?: string | undefined;
}) {
  return (
    <Layout title="New subscription" page={page}>
      <ErrorText message={error} />
      <form method="post" action="/admin/subscriptions" class="stack">
        <Csrf token={page.csrfToken} />
        <SubscriptionFields values={values} />
        <button type="submit">Create subscription</button>
      </form>
    </Layout>
  );
}

/** The secret, shown once after a create or a rotation, with a copy button. */
export function SecretPage({
  page,
  subscription,
  secret,
  rotated,
}: {
  page: PageContext;
  subscription: Subscription;
  secret: string;
  rotated: boolean;
}) {
  return (
    <Layout title={rotated ? 'New signing secret' : 'Subscription created'} page={page}>
      <Card title="Signing secret: shown only now">
        <p>
          Give this secret to the receiver of {subscriptionName(subscription)} so it can check each request's signature. It is not shown
          again{rotated ? '; for the overlap period requests are signed with the old secret too' : ''}.
        </p>
        <div class="secret">
          <input id="secret" type="text" readOnly value={secret} aria-label="Signing secret" />
          <button type="button" class="copy" data-copy="secret">
            Copy
          </button>
        </div>
        <p class="help" id="copy-status" role="status" aria-live="polite"></p>
      </Card>
      <p>
        <a class="button" href={`/admin/subscriptions/${subscription.id}`}>
          Done: open the subscription
        </a>
      </p>
    </Layout>
  );
}

export function SubscriptionPage({
  page,
  subscription: s,
  error,
}: {
  page: PageContext;
  subscription: Subscription;
  error?: string | undefined;
}) {
  const base = `/admin/subscriptions/${s.id}`;
  return (
    <Layout title={`Subscription ${subscriptionName(s)}`} page={page}>
      <ErrorText message={error} />
      <Card title="Details">
        <dl class="facts">
          <dt>State</dt>
          <dd>
            <Badge status={s.enabled ? 'enabled' : 'disabled'} />
            {s.disabledReason ? <span> {s.disabledReason}</span> : null}
          </dd>
          <dt>URL</dt>
          <dd class="url">{s.url}</dd>
          <dt>Event types</dt>
          <dd>{s.eventTypes.join(', ')}</dd>
          <dt>Created</dt>
          <dd>{utc(new Date(s.createdUtc))}</dd>
          <dt>Changed</dt>
          <dd>{utc(new Date(s.updatedUtc))}</dd>
        </dl>
        <p>
          <a href={`/admin/deliveries?subscription=${s.id}`}>Its deliveries in the log</a>
        </p>
      </Card>
      <Card title="Actions">
        <div class="actions">
          <form method="post" action={`${base}/${s.enabled ? 'disable' : 'enable'}`}>
            <Csrf token={page.csrfToken} />
            <button type="submit">{s.enabled ? 'Disable' : 'Enable'}</button>
          </form>
          <form method="post" action={`${base}/test`}>
            <Csrf token={page.csrfToken} />
            <button type="submit">Send a test event</button>
          </form>
          <form method="post" action={`${base}/rotate`}>
            <Csrf token={page.csrfToken} />
            <button type="submit">Rotate the secret</button>
          </form>
          <a class="button" href={`${base}/recover`}>
            Recover failures…
          </a>
          <a class="button danger" href={`${base}/delete`}>
            Delete…
          </a>
        </div>
      </Card>
      <Card title="Edit">
        <form method="post" action={base} class="stack">
          <Csrf token={page.csrfToken} />
          <SubscriptionFields values={{ url: s.url, eventTypes: s.eventTypes, description: s.description ?? '' }} />
          <button type="submit">Save changes</button>
        </form>
      </Card>
    </Layout>
  );
}

export function TestResultPage({ page, subscription, result }: { page: PageContext; subscription: Subscription; result: TestEventResult }) {
  return (
    <Layout title={`Test event to ${subscriptionName(subscription)}`} page={page}>
      <Card title="The endpoint's answer">
        <dl class="facts">
          <dt>Sent</dt>
          <dd>{result.sent ? 'yes' : 'no'}</dd>
          <dt>HTTP status</dt>
          <dd>{result.httpStatus ?? '—'}</dd>
          <dt>Error</dt>
          <dd>{result.error ?? '—'}</dd>
        </dl>
      </Card>
      <Card title="The test event sent">
        <Pre text={JSON.stringify(result.envelope, null, 2)} label="Test event envelope" />
      </Card>
      <p>
        <a href={`/admin/subscriptions/${subscription.id}`}>Back to the subscription</a>
      </p>
    </Layout>
  );
}

export function DeletePage({ page, subscription }: { page: PageContext; subscription: Subscription }) {
  const name = subscriptionName(subscription);
  return (
    <Layout title={`Delete subscription ${name}?`} page={page}>
      <Card title="This cannot be undone">
        <p>
          Subscription {name} to <span class="url">{subscription.url}</span> and its queued deliveries will be deleted. Its delivery log
          goes with it.
        </p>
        <form method="post" action={`/admin/subscriptions/${subscription.id}/delete`} class="stack">
          <Csrf token={page.csrfToken} />
          <label for="confirm">Type the subscription's number, {subscription.id}, to confirm</label>
          <input id="confirm" name="confirm" type="text" inputMode="numeric" required autocomplete="off" />
          <div class="actions">
            <button type="submit" class="danger">
              Delete subscription {name}
            </button>
            <a href={`/admin/subscriptions/${subscription.id}`}>Keep it</a>
          </div>
        </form>
      </Card>
    </Layout>
  );
}

export interface RecoverPreview {
  since: string;
  requeued: number;
  fannedOut: number;
}

export function RecoverPage({
  page,
  subscription,
  since,
  preview,
  error,
}: {
  page: PageContext;
  subscription: Subscription;
  since: string;
  preview?: RecoverPreview | undefined;
  error?: string | undefined;
}) {
  const base = `/admin/subscriptions/${subscription.id}/recover`;
  const total = preview ? preview.requeued + preview.fannedOut : 0;
  return (
    <Layout title={`Recover failures of ${subscriptionName(subscription)}`} page={page}>
      <ErrorText message={error} />
      <Card title="Since when">
        <form method="get" action={base} class="stack">
          <label for="since">Events created at or after (UTC)</label>
          <input id="since" name="since" type="datetime-local" step="1" required value={since} />
          <button type="submit">Count what would be re-queued</button>
        </form>
      </Card>
      {preview ? (
        <Card title="Confirm">
          <p class="big" id="recover-count">
            {total}
          </p>
          <p>
            {total === 1 ? 'delivery' : 'deliveries'} will be queued: {preview.requeued} failed or cancelled again, and {preview.fannedOut}{' '}
            for events of its types it never had.
          </p>
          <form method="post" action={base}>
            <Csrf token={page.csrfToken} />
            <input type="hidden" name="since" value={preview.since} />
            <button type="submit">
              Re-queue {total} {total === 1 ? 'delivery' : 'deliveries'}
            </button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}
