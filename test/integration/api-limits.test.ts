import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { appendEvents } from '../../src/outbox/append-events.js';
import { call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { describeEachDialect } from '../support/databases.js';

describeEachDialect('integration API: rate limits per key and bucket', (suite) => {
  let api: RunningApi;
  let clock = 1_000_000;

  before(async () => {
    api = await startApi(
      suite.db,
      { api: { keyCacheMs: 0, rateLimits: { read: { perMinute: 60, burst: 2 }, write: { perMinute: 60, burst: 1 } } } },
      { now: () => clock },
    );
  });

  after(async () => {
    await api?.close();
  });

  it('answers 429 with Retry-After and RateLimit-* once a bucket is empty, and again after it refills', async () => {
    const key = await keyWith(suite.db, 'events:read', 'integrations:write');
    const other = await keyWith(suite.db, 'events:read');
    const first = await call(api.base, 'GET', '/api/v1/events', key);
    expect(first.status).to.equal(200);
    expect(first.headers.get('ratelimit-limit')).to.equal('2');
    expect(first.headers.get('ratelimit-remaining')).to.equal('1');
    expect((await call(api.base, 'GET', '/api/v1/events', key)).status).to.equal(200);
    const refused = await call(api.base, 'GET', '/api/v1/events', key);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('rate_limited');
    expect(refused.headers.get('retry-after')).to.equal('1');
    expect(refused.headers.get('ratelimit-remaining')).to.equal('0');
    // Another key has its own bucket; the write bucket is separate from the read one.
    expect((await call(api.base, 'GET', '/api/v1/events', other)).status).to.equal(200);
    expect(
      (await call(api.base, 'POST', '/api/v1/webhooks/subscriptions', key, { url: 'https://r.example', event_types: ['*'] })).status,
    ).to.equal(201);
    expect(
      (await call(api.base, 'POST', '/api/v1/webhooks/subscriptions', key, { url: 'https://r.example', event_types: ['*'] })).status,
    ).to.equal(429);
    clock += 1000;
    expect((await call(api.base, 'GET', '/api/v1/events', key)).status).to.equal(200);
  });
});

describeEachDialect('integration API: failed authentication per client address', (suite) => {
  let api: RunningApi;
  let clock = 1_000_000;

  before(async () => {
    api = await startApi(
      suite.db,
      { api: { keyCacheMs: 60_000, failedAuthPerAddress: { perMinute: 60, burst: 3 } } },
      { now: () => clock },
    );
  });

  after(async () => {
    await api?.close();
  });

  it('answers 429 to an address that keeps guessing keys, before asking the store; valid keys stay cached and served', async () => {
    const valid = await keyWith(suite.db, 'events:read');
    const uncached = await keyWith(suite.db, 'events:read');
    expect((await call(api.base, 'GET', '/api/v1/events', valid)).status).to.equal(200);
    const guess = () => `obx_${randomBytes(33).toString('base64url').slice(0, 44)}`;
    for (let i = 0; i < 3; i++) expect((await call(api.base, 'GET', '/api/v1/events', guess())).status).to.equal(401);
    const refused = await call(api.base, 'GET', '/api/v1/events', guess());
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('rate_limited');
    expect(refused.body.error.message).to.match(/invalid API key from this address/);
    expect(refused.headers.get('retry-after')).to.equal('1');
    // A key this process has not verified yet would need the store: it waits like the guesses.
    expect((await call(api.base, 'GET', '/api/v1/events', uncached)).status).to.equal(429);
    // The key verified before is still served, from the cache: revoking it in the store shows it.
    await suite.db.db.updateTable('integration.ApiKey').set({ RevokedUtc: new Date() }).where('Prefix', '=', valid.slice(0, 16)).execute();
    expect((await call(api.base, 'GET', '/api/v1/events', valid)).status).to.equal(200);
    clock += 1000;
    // One token back after a second: a valid key's lookup gives it back, so it does not use up the address's allowance.
    expect((await call(api.base, 'GET', '/api/v1/events', uncached)).status).to.equal(200);
    expect((await call(api.base, 'GET', '/api/v1/events', guess())).status).to.equal(401);
    expect((await call(api.base, 'GET', '/api/v1/events', guess())).status).to.equal(429);
  });
});

describeEachDialect('integration API: the cursor with concurrent writers', (suite) => {
  let api: RunningApi;

  before(async () => {
    api = await startApi(suite.db, { api: { keyCacheMs: 0, rateLimits: { read: { perMinute: 60000, burst: 10000 } } } });
  });

  after(async () => {
    await api?.close();
  });

  it('never skips an event committed after a later id, nor repeats one', async function () {
    if (suite.dialect === 'pglite') {
      console.log('      skipped on pglite: holding a transaction open needs a second connection, and PGlite is one embedded connection');
      this.skip();
    }
    const key = await keyWith(suite.db, 'events:read');
    const other = await suite.openAnother('slow-writer');
    const ev = (n: number) => ({
      type: 'client.created' as const,
      sourceKey: `conc:${n}`,
      createdUtc: new Date('2026-01-28T10:00:00Z'),
      payload: { n },
      metadata: {},
    });
    await suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 7, [ev(1)]));
    const seen: number[] = [];
    let cursor = '';
    const poll = async () => {
      const answer = await call(api.base, 'GET', `/api/v1/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`, key);
      expect(answer.status).to.equal(200);
      cursor = answer.body.next_cursor;
      const payloads = answer.body.data.map((e: { payload: { n: number } }) => e.payload.n);
      seen.push(...payloads);
      return payloads;
    };
    expect(await poll()).to.deep.equal([1]);

    // The slow writer takes the lower id and holds its transaction open...
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const didInsert = new Promise<void>((resolve) => (inserted = resolve));
    const slow = other.db.transaction().execute(async (trx) => {
      await appendEvents(trx, other.dialect, 7, [ev(2)]);
      inserted();
      await held;
    });
    await didInsert;
    // ...while a later writer takes a higher id and commits first.
    await suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 7, [ev(3)]));
    const ids = await suite.db.db.selectFrom('integration.OutboxEvent').select(['EventId', 'SourceKey']).orderBy('EventId').execute();
    expect(ids.map((r) => r.SourceKey)).to.deep.equal(['conc:1', 'conc:3']);
    // The committed event 3 is held back: returning it would move the cursor past event 2.
    expect(await poll()).to.deep.equal([]);
    expect(await poll()).to.deep.equal([]);
    release();
    await slow;
    const after = await suite.db.db.selectFrom('integration.OutboxEvent').select(['EventId', 'SourceKey']).orderBy('EventId').execute();
    expect(after.map((r) => r.SourceKey)).to.deep.equal(['conc:1', 'conc:2', 'conc:3']);
    const rest: number[] = [];
    for (let i = 0; i < 5 && rest.length < 2; i += 1) rest.push(...(await poll()));
    expect(rest.sort()).to.deep.equal([2, 3]);
    expect(await poll()).to.deep.equal([]);
    expect(seen.sort()).to.deep.equal([1, 2, 3]);
  });
});

describeEachDialect('integration API: readiness when the source is down', (suite) => {
  it('answers 503 naming the source while the store is fine', async function () {
    if (suite.dialect === 'pglite') {
      console.log('      skipped on pglite: a second pool needs a database server, not the in-process PGlite');
      this.skip();
    }
    const source = await suite.openAnother('source');
    const api = await startApi(suite.db, {}, {}, source);
    try {
      expect((await call(api.base, 'GET', '/readyz')).status).to.equal(200);
      await source.close();
      const down = await call(api.base, 'GET', '/readyz');
      expect(down.status).to.equal(503);
      expect(down.body.error.message).to.equal('not ready: source');
      expect(down.body.error.details.checks.store.ok).to.equal(true);
    } finally {
      await api.close();
    }
  });
});
