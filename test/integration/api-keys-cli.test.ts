import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { hashKey } from '../../src/api/api-keys.js';
import { call, startApi } from '../support/api-app.js';
import { describeEachDialect } from '../support/databases.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describeEachDialect('outbox keys (CLI)', (suite) => {
  const cli = (...args: string[]) =>
    run(process.execPath, [MAIN, ...args], {
      env: { ...process.env, OUTBOX_STORE_URL: suite.url, OUTBOX_LOG_LEVEL: 'error' },
      timeout: 60_000,
    });

  it('creates a key printed once, stores only its hash, lists and revokes it', async function () {
    // The CLI is another process: it needs a database server, not the in-process PGlite.
    if (suite.dialect === 'pglite') {
      console.log('      skipped on pglite: the CLI is another process and needs a database server, not the in-process PGlite');
      this.skip();
    }
    const created = JSON.parse(
      (await cli('keys', 'create', '--name', 'zapier', '--scopes', 'events:read,integrations:write', '--json')).stdout,
    ) as { id: number; key: string };
    expect(created.key).to.match(/^obx_/);
    const row = await suite.db.db.selectFrom('integration.ApiKey').selectAll().where('ApiKeyId', '=', created.id).executeTakeFirstOrThrow();
    expect(row.KeyHash.trim()).to.equal(hashKey(created.key));
    expect(JSON.stringify(row)).to.not.include(created.key);
    const api = await startApi(suite.db, { api: { keyCacheMs: 0 } });
    try {
      expect((await call(api.base, 'GET', '/api/v1/events', created.key)).status).to.equal(200);
      const listed = JSON.parse((await cli('keys', 'list', '--json')).stdout) as {
        id: number;
        scopes: string[];
        revokedUtc: string | null;
      }[];
      expect(listed.find((k) => k.id === created.id)).to.deep.include({ scopes: ['events:read', 'integrations:write'], revokedUtc: null });
      expect(JSON.stringify(listed)).to.not.include(created.key);
      await cli('keys', 'revoke', String(created.id));
      expect((await call(api.base, 'GET', '/api/v1/events', created.key)).status).to.equal(401);
    } finally {
      await api.close();
    }
    const refused = await cli('keys', 'create', '--name', 'x', '--scopes', 'events:write').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).to.equal(2);
    expect(refused?.stderr).to.include('unknown scope events:write');
  });
});
