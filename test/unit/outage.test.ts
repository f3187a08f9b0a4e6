import { expect } from 'chai';
import winston from 'winston';
import { backoffMs, isLockTimeout, isTransientDatabaseError, OutageLog } from '../../src/kernel/outage.js';

describe('database outages', () => {
  it('tells transient errors from permanent ones', () => {
    expect(isTransientDatabaseError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).to.equal(true);
    expect(
      isTransientDatabaseError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    ).to.equal(true);
    expect(isTransientDatabaseError(Object.assign(new Error('deadlock'), { number: 1205 }))).to.equal(true);
    expect(isTransientDatabaseError(Object.assign(new Error('wrapped'), { cause: { code: 'ECONNRESET' } }))).to.equal(true);
    expect(isTransientDatabaseError(Object.assign(new Error('syntax error'), { code: '42601' }))).to.equal(false);
    expect(isTransientDatabaseError(Object.assign(new Error('Invalid object name'), { number: 208 }))).to.equal(false);
  });

  it('tells a lock timeout on each engine, and counts it transient', () => {
    const timeouts = [
      Object.assign(new Error('Lock request time out period exceeded.'), { number: 1222 }),
      Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }),
      // Babelfish answers its catch-all number with PostgreSQL's wording.
      Object.assign(new Error('canceling statement due to lock timeout'), { number: 33557097 }),
      Object.assign(new Error('wrapped'), { cause: { number: 1222 } }),
    ];
    for (const error of timeouts) {
      expect(isLockTimeout(error), error.message).to.equal(true);
      expect(isTransientDatabaseError(error), error.message).to.equal(true);
    }
    expect(isLockTimeout(Object.assign(new Error('relation "x" does not exist'), { number: 33557097 }))).to.equal(false);
    expect(isLockTimeout(Object.assign(new Error('deadlock'), { number: 1205 }))).to.equal(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(0, () => 0)).to.equal(250);
    expect(backoffMs(0, () => 1)).to.equal(500);
    expect(backoffMs(3, () => 1)).to.equal(4000);
    expect(backoffMs(20, () => 1)).to.equal(30_000);
  });

  it('logs an outage once when it starts and once when it ends', () => {
    const lines: string[] = [];
    const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
    logger.on('data', (info: { message: string }) => lines.push(info.message));
    let now = new Date('2026-01-01T00:00:00Z');
    const outage = new OutageLog(logger, 'store database', () => now);
    for (let i = 0; i < 50; i++) outage.failed(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
    expect(outage.inOutage).to.equal(true);
    now = new Date('2026-01-01T00:01:30Z');
    outage.succeeded();
    outage.succeeded();
    expect(lines).to.deep.equal([
      'store database unavailable, retrying with backoff: connection refused',
      'store database available again after 90 s (50 failed tries)',
    ]);
  });
});
