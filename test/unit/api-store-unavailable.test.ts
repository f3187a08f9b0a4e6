import { expect } from 'chai';
import Fastify from 'fastify';
import { installErrorHandlers } from '../../src/api/errors.js';

/** What pg and tedious throw while the store database is down or restarting. */
function driverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('API answers while the store database is unavailable', () => {
  it('answers 503 with Retry-After, not a 500, when the database is unreachable, and still 500 for real faults', async () => {
    const app = Fastify();
    const unexpected: string[] = [];
    installErrorHandlers(app, (_error, route) => unexpected.push(route));
    app.get('/refused', async () => {
      throw driverError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    });
    app.get('/shutdown', async () => {
      throw driverError('57P01', 'terminating connection due to administrator command');
    });
    app.get('/bug', async () => {
      throw new TypeError('x is undefined');
    });
    try {
      for (const route of ['/refused', '/shutdown']) {
        const response = await app.inject({ method: 'GET', url: route });
        expect(response.statusCode, route).to.equal(503);
        expect(response.headers['retry-after'], route).to.equal('5');
        expect(response.json().error.code).to.equal('store_unavailable');
        expect(response.body).not.to.contain('5432');
      }
      const bug = await app.inject({ method: 'GET', url: '/bug' });
      expect(bug.statusCode).to.equal(500);
      expect(unexpected).to.deep.equal(['GET /bug']);
    } finally {
      await app.close();
    }
  });
});
