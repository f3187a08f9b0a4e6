import { createHash } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { ChaosReceiver } from './support/chaos-receiver.js';
import { FULL, scaled } from './support/scale.js';
import { SERVER_ENGINES, useChaosRun } from './support/engines.js';

interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const SUBSCRIPTIONS = '/api/v1/webhooks/subscriptions';

/** Percent-encodes every byte of the text's UTF-8 (lone surrogates become U+FFFD, as on the wire). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** Path segments where an id goes: real ones, absent ones, and ones no id parser should accept. */
const idSegment = fc.oneof(
  fc.constantFrom('1', '2', '0', '-1', '999999999999', '9007199254740993', '1e3', '0x10', ' 1', '%00', '..', 'null', '[]'),
  fc.nat().map(String),
  fc.string({ maxLength: 20 }).map(percentEncode),
  fc.constantFrom('%ED%A0%80', '%FF%FE', '%C0%80'),
);

const route = fc.oneof(
  fc.constant({ method: 'GET', path: '/api/v1/events' }),
  idSegment.map((id) => ({ method: 'GET', path: `/api/v1/events/${id}` })),
  { arbitrary: fc.constant({ method: 'POST', path: SUBSCRIPTIONS }), weight: 4 },
  fc.constant({ method: 'GET', path: SUBSCRIPTIONS }),
  idSegment.map((id) => ({ method: 'GET', path: `${SUBSCRIPTIONS}/${id}` })),
  { arbitrary: fc.constantFrom('1', '2').map((id) => ({ method: 'PATCH', path: `${SUBSCRIPTIONS}/${id}` })), weight: 2 },
  idSegment.map((id) => ({ method: 'PATCH', path: `${SUBSCRIPTIONS}/${id}` })),
  idSegment.map((id) => ({ method: 'DELETE', path: `${SUBSCRIPTIONS}/${id}` })),
  idSegment.map((id) => ({ method: 'POST', path: `${SUBSCRIPTIONS}/${id}/test` })),
  idSegment.map((id) => ({ method: 'GET', path: `${SUBSCRIPTIONS}/${id}/deliveries` })),
  idSegment.map((id) => ({ method: 'GET', path: `/api/v1/deliveries/${id}/attempts` })),
  fc.constantFrom(
    { method: 'GET', path: '/healthz' },
    { method: 'GET', path: '/readyz' },
    { method: 'GET', path: '/metrics' },
    { method: 'GET', path: '/api/v1/openapi.json' },
  ),
  // Methods a route does not take, and paths that are not routes.
  fc.record({
    method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path: fc.constantFrom('/api/v1/events', SUBSCRIPTIONS, '/api/v2/x'),
  }),
);

const hostileString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), {
  arbitrary: fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDFFFy',
    '</script>',
    "'; DROP TABLE x;--",
    '%00',
    '\u202Eevil',
    '😀'.repeat(300),
    'x'.repeat(5000),
  ),
  weight: 3,
});

/** Webhook URLs that never leave this machine: loopback forms and strings that are no URL at all. */
const webhookUrl = fc.oneof(
  fc.constantFrom(
    'http://127.0.0.1:9/hook',
    'https://127.0.0.1:9/hook',
    'http://[::1]:9/x',
    'http://0x7f000001:9/',
    'http://127.1:9/',
    'ftp://127.0.0.1/x',
    'javascript:alert(1)',
    'http://127.0.0.1:9/\u0000',
    'http://user:pass@127.0.0.1:9/',
    '',
  ),
  hostileString,
);

const eventTypes = fc.oneof(
  fc.array(fc.constantFrom('*', 'client.*', 'lead.created', 'payment.failed', 'CLIENT.CREATED', 'nope.nope', '', '..', 'a'.repeat(300)), {
    maxLength: 5,
  }),
  hostileString,
  fc.constant(null),
);

const jsonValue = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double(),
  fc.array(fc.nat(), { maxLength: 3 }),
);

/** A body valid in all but (maybe) one field, so the hostile value reaches the database layer. */
const nearlyValid = fc
  .record({
    url: fc.oneof({ arbitrary: fc.constant('http://127.0.0.1:9/hook'), weight: 4 }, { arbitrary: webhookUrl, weight: 1 }),
    event_types: fc.oneof({ arbitrary: fc.constant(['lead.created']), weight: 4 }, { arbitrary: eventTypes, weight: 1 }),
    // Text the database cannot store as it is (NUL, lone surrogates) is the likeliest 500.
    description: fc.oneof(
      { arbitrary: fc.constantFrom('a\u0000b', '\u0000', 'x\uD800y', '\uDC00'), weight: 2 },
      { arbitrary: hostileString, weight: 3 },
    ),
  })
  .map((value) => JSON.stringify(value));

const body = fc.oneof(
  { arbitrary: nearlyValid, weight: 3 },
  fc
    .record(
      {
        url: webhookUrl,
        event_types: eventTypes,
        secret: fc.oneof(hostileString, fc.constant('whsec_' + Buffer.alloc(32, 7).toString('base64'))),
        description: hostileString,
        enabled: fc.oneof(fc.boolean(), jsonValue),
        rotate_secret: fc.oneof(fc.boolean(), jsonValue),
        extra: jsonValue,
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.dictionary(fc.string({ maxLength: 12 }), jsonValue, { maxKeys: 4 }).map((value) => JSON.stringify(value)),
  hostileString,
  fc.constantFrom('{', '[]', 'null', '"x"', '{"url":', '\u0000', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}'),
  fc.constant(undefined),
);

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('limit', 'cursor', 'type', 'order', 'after', 'x', 'limit[]'),
      fc.oneof(
        hostileString,
        fc.integer().map(String),
        fc.constantFrom('0', '501', '-1', 'asc', 'desc', 'ASC', 'client.*', 'eyJ4Ijox', '\u0000'),
      ),
      { maxKeys: 4 },
    )
    .map((params) => new URLSearchParams(params).toString()),
  hostileString.map(percentEncode),
  fc.constantFrom('limit=%ED%A0%80', 'cursor=%FF', 'type=%00', 'limit=1&limit=2', '%%%', 'a=%zz'),
);

/** Visible ASCII only: anything else fetch refuses before it leaves the process. */
const headerText = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '?'));

function requestArbitrary(key: string): fc.Arbitrary<FuzzRequest> {
  const authorization = fc.oneof(
    { arbitrary: fc.constant(`Bearer ${key}`), weight: 10 },
    fc.constant(`bearer ${key}`),
    fc.constant(`Bearer ${key.slice(0, -1)}x`),
    fc.constant('Bearer obx_' + 'A'.repeat(44)),
    fc.constant(undefined),
    headerText.map((h) => `Bearer ${h}`),
    headerText,
  );
  const contentType = fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 6 },
    fc.constantFrom('text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data'),
    fc.constant(undefined),
    headerText,
  );
  return fc
    .record({ route, query: queryString, authorization, contentType, body, accept: fc.oneof(fc.constant(undefined), headerText) })
    .map(({ route: r, query, authorization: auth, contentType: type, body: b, accept }) => {
      const headers: Record<string, string> = {};
      if (auth !== undefined) headers['authorization'] = auth;
      if (type !== undefined && b !== undefined) headers['content-type'] = type;
      if (accept !== undefined) headers['accept'] = accept;
      return { method: r.method, path: r.path, query, headers, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : b };
    });
}

/** An accepted description is kept exactly as sent: text the store cannot hold must be refused, not altered. */
function expectStoredAsSent(request: FuzzRequest, answer: string): void {
  let sent: unknown;
  let stored: unknown;
  try {
    sent = JSON.parse(request.body ?? '');
    stored = JSON.parse(answer);
  } catch {
    return;
  }
  const description = (sent as { description?: unknown } | null)?.description;
  const kept = (stored as { description?: unknown } | null)?.description;
  if (typeof description === 'string' && kept !== undefined) {
    expect(kept, `${request.method} ${request.path} accepted a description and stored another`).to.equal(description);
  }
}

for (const dialect of SERVER_ENGINES) {
  describe(`chaos 5: every API route fuzzed with fast-check [${dialect}]`, function () {
    this.timeout(scaled(300_000, 1_800_000));
    const chaosRun = useChaosRun(dialect);

    /**
     * Everything a request could change, as one digest read the same way on every engine (a key's
     * LastUsedUtc is bookkeeping, left out).
     */
    async function storedState(): Promise<string> {
      const db = chaosRun().store.db;
      const [subscriptions, keys, deliveries, attempts, events] = await Promise.all([
        db.selectFrom('integration.WebhookSubscription').selectAll().orderBy('SubscriptionId').execute(),
        db.selectFrom('integration.ApiKey').select(['ApiKeyId', 'Name', 'Scopes', 'RevokedUtc']).orderBy('ApiKeyId').execute(),
        db.selectFrom('integration.WebhookDelivery').selectAll().orderBy('DeliveryId').execute(),
        db
          .selectFrom('integration.DeliveryAttempt')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('integration.OutboxEvent')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      const text = JSON.stringify([subscriptions, keys, deliveries, String(attempts.n), String(events.n)], (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
      );
      return createHash('sha256').update(text).digest('hex');
    }

    it('answers every generated request without a 500 or a crash, and a rejected request changes nothing stored', async () => {
      const cases = scaled(1_000, 10_000);
      if (!FULL) console.log(`      reduced run: ${cases} cases (npm run test:chaos runs 10,000)`);
      const run = chaosRun();
      const service = await run.addService({ capture: { enabled: false } });
      await service.start();
      // A few real subscriptions (and one event with a delivery) so id routes find something.
      const target = await new ChaosReceiver('fuzz-target').start();
      await run.subscribe(target, ['*']);
      await run.subscribe(target, ['client.*']);

      const statuses = new Map<number, number>();
      let changedByRejected: string[] = [];
      await fc.assert(
        fc.asyncProperty(requestArbitrary(run.apiKey), async (request) => {
          const mutating = request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS';
          const before = mutating ? await storedState() : '';
          let response: Response;
          try {
            response = await fetch(`${service.url}${request.path}${request.query ? `?${request.query}` : ''}`, {
              method: request.method,
              headers: request.headers,
              ...(request.body === undefined ? {} : { body: request.body }),
            });
          } catch (error) {
            throw new Error(`the request failed at the socket (service down?): ${(error as Error).message}`, { cause: error });
          }
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, `${request.method} ${request.path}: ${text.slice(0, 300)}`).to.be.below(500);
          if (response.status >= 400 && request.method !== 'HEAD') {
            expect(text, 'an error body names the problem, without a stack').not.to.match(/\n\s+at /);
          }
          if (mutating && response.status >= 200 && response.status < 300) expectStoredAsSent(request, text);
          if (mutating && (response.status < 200 || response.status >= 300)) {
            const after = await storedState();
            if (after !== before) changedByRejected = [...changedByRejected, `${request.method} ${request.path} -> ${response.status}`];
            expect(after, `${request.method} ${request.path} answered ${response.status} but changed stored data`).to.equal(before);
          }
        }),
        { numRuns: cases, endOnFailure: true },
      );
      console.log(`      fuzz: ${cases} cases, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
      expect(changedByRejected).to.deep.equal([]);
      expect(service.running, 'the service is still running').to.equal(true);
      expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
    });
  });
}
