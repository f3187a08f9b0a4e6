import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { validateConfig } from '../../src/config/load.js';
import { CircuitBreakers } from '../../src/delivery/circuit.js';
import type { ClaimedDelivery } from '../../src/db/ports/delivery.js';
import { classifySendError, type SendResult } from '../../src/delivery/http-sender.js';
import { settleAttempt } from '../../src/delivery/outcome.js';
import { hasUnstorableCharacter, storableText } from '../../src/db/storable-text.js';
import { isDataError } from '../../src/kernel/outage.js';
import { nextAttemptAt, parseRetryAfter } from '../../src/delivery/retry-policy.js';
import { generateSecret, secretKey, secretProblem, signatureHeaders, standardSignature } from '../../src/delivery/signing.js';

const defaults = validateConfig({}).delivery;
const T0 = new Date('2026-11-25T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('webhook signing', () => {
  it("signs the Standard Webhooks spec's published test vector", () => {
    // https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
    const key = secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(standardSignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).to.equal(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('makes headers the standardwebhooks package verifies, and a body HMAC checkable by hand', () => {
    const secret = generateSecret();
    expect(secretKey(secret)).to.have.length(32);
    const body = '{"id":7,"type":"client.created","payload":{"name":"Zoë"}}';
    const now = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders({ current: secretKey(secret) }, '7', now, body);
    expect(new Webhook(secret).verify(body, headers)).to.deep.equal(JSON.parse(body));
    const hex = createHmac('sha256', secretKey(secret)).update(body).digest('hex');
    expect(headers['x-webhook-signature']).to.equal(`sha256=${hex}`);
    expect(headers).to.not.have.property('x-webhook-signature-previous');
  });

  it('signs with both secrets during a rotation, so a receiver on either verifies', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const body = '{"id":1}';
    const headers = signatureHeaders(
      { current: secretKey(newSecret), previous: secretKey(oldSecret) },
      '1',
      Math.floor(Date.now() / 1000),
      body,
    );
    expect(headers['webhook-signature']?.split(' ')).to.have.length(2);
    expect(new Webhook(oldSecret).verify(body, headers)).to.deep.equal({ id: 1 });
    expect(new Webhook(newSecret).verify(body, headers)).to.deep.equal({ id: 1 });
    expect(headers['x-webhook-signature-previous']).to.equal(
      `sha256=${createHmac('sha256', secretKey(oldSecret)).update(body).digest('hex')}`,
    );
  });

  it('refuses secrets that are not whsec_ + base64 of at least 24 bytes, saying why', () => {
    expect(secretProblem('my-own-secret-of-16+')).to.match(/must start with "whsec_"/);
    expect(secretProblem('whsec_c2hvcnQ=')).to.match(/at least 24 random bytes \(5 given\)/);
    expect(secretProblem('whsec_not base64!')).to.match(/standard base64/);
    expect(secretProblem(generateSecret())).to.equal(null);
  });
});

describe('retry schedule', () => {
  const policy = { retrySchedule: defaults.retrySchedule, retryWindowHours: 24, jitter: 0 };

  it('follows the default schedule: 10 s, 30 s, 2 m ... 10 h, then gives up after 10 retries', () => {
    const delays = defaults.retrySchedule.map((_, i) => (nextAttemptAt(policy, i + 1, T0, T0)!.getTime() - T0.getTime()) / 1000);
    expect(delays).to.deep.equal([10, 30, 120, 300, 900, 1800, 3600, 7200, 18000, 36000]);
    expect(nextAttemptAt(policy, 11, T0, T0)).to.equal(null);
  });

  it('adds jitter within the configured fraction', () => {
    const jittered = { ...policy, jitter: 0.2 };
    expect(nextAttemptAt(jittered, 1, T0, T0, undefined, () => 0)).to.deep.equal(at(8));
    expect(nextAttemptAt(jittered, 1, T0, T0, undefined, () => 1)).to.deep.equal(at(12));
  });

  it('honours Retry-After, but never past the window', () => {
    expect(nextAttemptAt(policy, 1, T0, T0, 120_000)).to.deep.equal(at(120));
    expect(nextAttemptAt(policy, 1, T0, T0, 1000)).to.deep.equal(at(10));
    expect(nextAttemptAt(policy, 1, T0, T0, 48 * 3600_000)).to.deep.equal(at(24 * 3600));
    expect(nextAttemptAt(policy, 3, T0, at(24 * 3600))).to.equal(null);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120', T0)).to.equal(120_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:01:00 GMT', T0)).to.equal(60_000);
    expect(parseRetryAfter('soon', T0)).to.equal(undefined);
    expect(parseRetryAfter(undefined, T0)).to.equal(undefined);
  });
});

describe('attempt outcomes', () => {
  const claimed: ClaimedDelivery = { deliveryId: 5, eventId: 9, subscriptionId: 2, attemptCount: 0, windowStartUtc: T0, event: undefined };
  const policy = { retrySchedule: [10, 30], retryWindowHours: 24, jitter: 0 };
  const result = (over: Partial<SendResult>): SendResult => ({
    httpStatus: 200,
    errorClass: null,
    error: null,
    responseBody: 'ok',
    retryAfter: undefined,
    elapsedMs: 0,
    ...over,
  });

  it('2xx succeeds; 410 gives up and marks the subscription gone; others retry, then fail', () => {
    expect(settleAttempt(claimed, result({ httpStatus: 204 }), policy, T0).update).to.include({ st: 'succeeded', n: 1, err: null });
    const gone = settleAttempt(claimed, result({ httpStatus: 410 }), policy, T0);
    expect(gone.verdict).to.equal('gone');
    expect(gone.update.st).to.equal('failed');
    const retry = settleAttempt(claimed, result({ httpStatus: 500, error: 'HTTP 500' }), policy, T0);
    expect(retry.update).to.include({ st: 'pending', next: '2026-11-25T12:00:10.000', err: 'HTTP 500', done: null });
    expect(retry.attempt).to.include({ d: 5, s: 2, e: 9, n: 1, h: 500 });
    const last = settleAttempt(
      { ...claimed, attemptCount: 2 },
      result({ httpStatus: null, errorClass: 'timeout', error: 'x' }),
      policy,
      T0,
    );
    expect(last.verdict).to.equal('failed');
    expect(last.attempt).to.include({ n: 3, h: null, c: 'timeout' });
  });

  it('honours Retry-After only on 429 and 503', () => {
    const slow = (status: number) => settleAttempt(claimed, result({ httpStatus: status, retryAfter: '60' }), policy, T0).update.next;
    expect(slow(429)).to.equal('2026-11-25T12:01:00.000');
    expect(slow(503)).to.equal('2026-11-25T12:01:00.000');
    expect(slow(500)).to.equal('2026-11-25T12:00:10.000');
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one probe through after the pause, closes on success', () => {
    let now = 0;
    const changes: string[] = [];
    const circuits = new CircuitBreakers(
      { failureThreshold: 3, openMs: 1000, maxOpenMs: 4000 },
      () => now,
      (id, s) => changes.push(`${id}:${s}`),
    );
    for (let i = 0; i < 3; i++) {
      expect(circuits.tryAcquire(1)).to.equal(true);
      circuits.failed(1);
    }
    expect(circuits.state(1)).to.equal('open');
    expect(circuits.tryAcquire(1)).to.equal(false);
    expect(circuits.blocked()).to.deep.equal([1]);
    expect(circuits.tryAcquire(2)).to.equal(true);
    now = 1000;
    expect(circuits.tryAcquire(1)).to.equal(true);
    expect(circuits.state(1)).to.equal('half-open');
    expect(circuits.tryAcquire(1)).to.equal(false);
    circuits.failed(1);
    expect(circuits.retryAt(1)).to.equal(3000);
    now = 3000;
    expect(circuits.tryAcquire(1)).to.equal(true);
    circuits.succeeded(1);
    expect(circuits.state(1)).to.equal('closed');
    expect(circuits.blocked()).to.deep.equal([]);
    expect(changes).to.deep.equal(['1:open', '1:half-open', '1:open', '1:half-open', '1:closed']);
  });
});

describe('send error classes', () => {
  it('names timeouts, DNS, refusals, TLS and blocked addresses', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(classifySendError(coded('UND_ERR_CONNECT_TIMEOUT'))).to.equal('timeout');
    expect(classifySendError(coded('ENOTFOUND'))).to.equal('dns');
    expect(classifySendError(coded('ECONNREFUSED'))).to.equal('refused');
    expect(classifySendError(coded('DEPTH_ZERO_SELF_SIGNED_CERT'))).to.equal('tls');
    expect(classifySendError(coded('ERR_TLS_CERT_ALTNAME_INVALID'))).to.equal('tls');
    expect(classifySendError(coded('ESSRFBLOCKED'))).to.equal('ssrf_blocked');
    expect(
      classifySendError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', cause: coded('ECONNRESET') })),
    ).to.equal('connection');
  });
});

describe('text a store can keep', () => {
  it('replaces NUL and lone surrogates, and cuts without splitting a surrogate pair', () => {
    expect(storableText('error\0', 100)).to.equal('error\uFFFD');
    expect(storableText('a\uD83Db\uDE00c', 100)).to.equal('a\uFFFDb\uFFFDc');
    expect(storableText('ok \u{1F600}', 100)).to.equal('ok \u{1F600}');
    expect(storableText(`${'x'.repeat(9)}\u{1F600}`, 10)).to.equal('x'.repeat(9));
    expect(storableText(`${'x'.repeat(8)}\u{1F600}`, 10)).to.equal(`${'x'.repeat(8)}\u{1F600}`);
    expect(hasUnstorableCharacter('fine \u{1F600}')).to.equal(false);
    expect(hasUnstorableCharacter('nul \0')).to.equal(true);
    expect(hasUnstorableCharacter('half \uD83D')).to.equal(true);
  });

  it('tells an error about a row from one about the database', () => {
    expect(isDataError(Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }))).to.equal(true);
    expect(isDataError(Object.assign(new Error('foreign key'), { code: '23503' }))).to.equal(true);
    expect(isDataError(Object.assign(new Error('conflicted with the FOREIGN KEY constraint'), { number: 547 }))).to.equal(true);
    expect(isDataError(Object.assign(new Error('relation does not exist'), { code: '42P01' }))).to.equal(false);
    expect(isDataError(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }))).to.equal(false);
  });
});
