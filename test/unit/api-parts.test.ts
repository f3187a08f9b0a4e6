import { expect } from 'chai';
import { hashKey, parseScopes } from '../../src/api/api-keys.js';
import { decodeEventCursor, decodeIdCursor, encodeEventCursor, encodeIdCursor } from '../../src/api/cursor.js';
import { ApiError } from '../../src/api/errors.js';
import { RateLimiter } from '../../src/api/rate-limit.js';
import { createUrlGuard } from '../../src/delivery/address-guard.js';
import { postgresApi } from '../../src/db/dialects/postgres/api.js';
import { mssqlApi } from '../../src/db/dialects/mssql/api.js';

describe('API parts without a database', () => {
  it('round-trips cursors and refuses tampered ones with a 400', () => {
    const position = { key: '7400', eventId: 12 };
    expect(decodeEventCursor(encodeEventCursor(position), postgresApi.isValidKey)).to.deep.equal(position);
    expect(decodeEventCursor(encodeEventCursor({ key: '0x00000000000007D1', eventId: 3 }), mssqlApi.isValidKey).key).to.equal(
      '0x00000000000007D1',
    );
    expect(decodeIdCursor(encodeIdCursor(41))).to.equal(41);
    for (const bad of [
      '',
      '!!',
      'e30',
      Buffer.from('{"k":"1; drop","e":1}').toString('base64url'),
      Buffer.from('{"k":"1","e":-1}').toString('base64url'),
      encodeEventCursor({ key: '99999999999999999999', eventId: 1 }),
    ]) {
      expect(() => decodeEventCursor(bad, postgresApi.isValidKey), bad)
        .to.throw(ApiError)
        .with.property('statusCode', 400);
    }
    // SQL Server keys are a rowversion in decimal now; cursors issued as 0x-hex still decode.
    expect(decodeEventCursor(encodeEventCursor({ key: '7400', eventId: 1 }), mssqlApi.isValidKey).key).to.equal('7400');
    for (const key of ['0x7400', '74a0', '-1', '9223372036854775808', '0xFFFFFFFFFFFFFFFF']) {
      expect(() => decodeEventCursor(encodeEventCursor({ key, eventId: 1 }), mssqlApi.isValidKey), key).to.throw(ApiError);
    }
  });

  it('refills a token bucket with the injected clock and says when to retry', () => {
    let now = 0;
    const limiter = new RateLimiter({ read: { perMinute: 30, burst: 2 } }, () => now);
    expect(limiter.take('k', 'read')).to.include({ allowed: true, remaining: 1 });
    expect(limiter.take('k', 'read')).to.include({ allowed: true, remaining: 0 });
    expect(limiter.take('k', 'read')).to.include({ allowed: false, retryAfterSeconds: 2 });
    expect(limiter.take('other', 'read').allowed).to.equal(true);
    now += 2000;
    expect(limiter.take('k', 'read').allowed).to.equal(true);
  });

  it('checks URLs: absolute http(s); https and public literal hosts in production', async () => {
    const dev = createUrlGuard('development');
    // A stand-in resolver: this machine has no outside DNS, and public names must pass.
    const prod = createUrlGuard('production', async () => [{ address: '93.184.215.14', family: 4 }]);
    expect(await dev.check('http://localhost:3000/hook')).to.deep.equal({ ok: true });
    expect((await dev.check('/relative')).ok).to.equal(false);
    expect((await dev.check('https://user:pw@a.example/')).ok).to.equal(false);
    expect(await prod.check('https://hooks.example.com/x')).to.deep.equal({ ok: true });
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/',
      'https://172.20.0.1/',
      'https://169.254.169.254/',
      'https://[fd00::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://api.localhost/',
    ]) {
      expect((await prod.check(url)).ok, url).to.equal(false);
    }
  });

  it('parses scopes and hashes keys as hex SHA-256', () => {
    expect(parseScopes('Events:Read, admin,admin')).to.deep.equal(['events:read', 'admin']);
    expect(() => parseScopes('events:write')).to.throw(/unknown scope events:write/);
    expect(hashKey('obx_x')).to.match(/^[0-9a-f]{64}$/);
  });
});
