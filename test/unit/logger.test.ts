import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import { createLogger } from '../../src/logging/logger.js';

function capture(format: 'json' | 'text' | 'auto', env: 'development' | 'production'): { lines: string[]; logger: winston.Logger } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString().trim());
      done();
    },
  });
  const logger = createLogger({ level: 'info', format, env, transports: [new winston.transports.Stream({ stream })] });
  // Only the capturing stream: the console transport would print during the test run.
  logger.transports.filter((t) => t instanceof winston.transports.Console).forEach((t) => logger.remove(t));
  return { lines, logger };
}

describe('logging', () => {
  it('writes JSON lines in production', () => {
    const { lines, logger } = capture('auto', 'production');
    logger.info('captured 3 events', { component: 'capture', count: 3 });
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).to.include({ level: 'info', message: 'captured 3 events', component: 'capture', count: 3 });
    expect(record['timestamp']).to.be.a('string');
  });

  it('writes readable lines in development', () => {
    const { lines, logger } = capture('auto', 'development');
    logger.warn('slow endpoint', { component: 'delivery', subscription: 4 });
    expect(lines[0]).to.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z warn \[delivery\] slow endpoint subscription=4$/);
  });

  it('never writes a secret or a connection password', () => {
    const { lines, logger } = capture('json', 'development');
    logger.info('connecting to mssql://outbox:hunter2@sql01/crm and Server=x;Password=hunter2;', {
      password: 'hunter2',
      secret: 'whsec_abc',
      authorization: 'Bearer k_123',
      url: 'postgres://app:hunter2@db/crm',
    });
    expect(lines[0]).not.to.match(/hunter2|whsec_abc|k_123/);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).to.include({ password: '***', secret: '***', authorization: '***', url: 'postgres://app:***@db/crm' });
  });
});

describe('log files and correlation', () => {
  it('writes JSON lines to a daily file when log.file is enabled, and tags lines with a correlation id', async () => {
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { configuredTransports } = await import('../../src/logging/transports.js');
    const { withCorrelation } = await import('../../src/logging/correlation.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-logs-'));
    try {
      const transports = configuredTransports(
        { level: 'info', format: 'text', file: { enabled: true, directory: dir, maxSize: '1m', maxFiles: '2d' }, windowsEventLog: true },
        'linux',
      );
      expect(transports).to.have.length(1);
      const logger = createLogger({ level: 'info', format: 'text', env: 'development', transports });
      logger.transports.filter((t) => t instanceof winston.transports.Console).forEach((t) => logger.remove(t));
      withCorrelation(logger, 'cap', 'abc123').info('cycle done', { component: 'capture', password: 'hunter2' });
      await new Promise<void>((resolve) => {
        logger.on('finish', () => setTimeout(resolve, 100));
        logger.end();
      });
      const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
      expect(files).to.have.length(1);
      const record = JSON.parse(readFileSync(path.join(dir, files[0]!), 'utf8').trim()) as Record<string, unknown>;
      expect(record).to.include({ message: 'cycle done', correlationId: 'cap-abc123', component: 'capture', password: '***' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
