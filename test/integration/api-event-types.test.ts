import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { reconcileInvoiceStatuses } from '../../src/capture/invoice-status.js';
import { CrmSimulator } from '../../src/demo/simulator.js';
import { silentLogger } from '../../src/logging/logger.js';
import { EVENT_CATALOG } from '../../src/outbox/event-catalog/index.js';
import { eventSchemaFiles, SCHEMA_FILES_DIR } from '../../src/outbox/event-catalog/schema-files.js';
import { EVENT_TYPES } from '../../src/outbox/event-types.js';
import { call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { captureAll, testCaptureContext } from '../support/capture.js';
import { describeEachDialect } from '../support/databases.js';
import { responseProblems } from '../support/openapi-check.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const REDOCLY = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
const SCHEMA_DIR = join(ROOT, SCHEMA_FILES_DIR);

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new Map(EVENT_CATALOG.map((entry) => [entry.type as string, ajv.compile(entry.payloadSchema)]));

/** Problems of a payload against its type's schema, and any key the schema does not name. */
function payloadProblems(type: string, payload: Record<string, unknown>): string[] {
  const validate = validators.get(type);
  if (!validate) return [`no schema for ${type}`];
  const problems = validate(payload) ? [] : (validate.errors ?? []).map((e) => `${type}${e.instancePath} ${e.message ?? ''}`);
  const named = Object.keys((EVENT_CATALOG.find((e) => e.type === type)?.payloadSchema['properties'] ?? {}) as object);
  return [
    ...problems,
    ...Object.keys(payload)
      .filter((key) => !named.includes(key))
      .map((key) => `${type}: ${key} is not in the schema`),
  ];
}

/** A seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('event catalog', () => {
  it('has each of the ten types once, its sample valid against its own schema', () => {
    expect(EVENT_CATALOG.map((e) => e.type)).to.deep.equal([...EVENT_TYPES]);
    for (const entry of EVENT_CATALOG) {
      expect(entry.sample.type).to.equal(entry.type);
      expect(payloadProblems(entry.type, entry.sample.payload), entry.type).to.deep.equal([]);
    }
  });

  it('is published as one JSON Schema file per type under docs/event-types, equal to the catalog (npm run event-schemas rewrites them)', async () => {
    const files = eventSchemaFiles();
    expect((await readdir(SCHEMA_DIR)).sort()).to.deep.equal(files.map((f) => f.name).sort());
    for (const file of files) {
      // Compared as JSON: prettier lays the file out its own way.
      const path = join(SCHEMA_DIR, file.name);
      expect(JSON.parse(await readFile(path, 'utf8')), `${path}: run npm run event-schemas`).to.deep.equal(file.schema);
    }
  });

  it('is listed in the README, one line per type linking to its schema file', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    for (const type of EVENT_TYPES) {
      const lines = readme.split('\n').filter((line) => line.startsWith(`- \`${type}\` — `));
      expect(lines, type).to.have.length(1);
      expect(lines[0], type).to.contain(`](docs/event-types/${type}.schema.json)`);
    }
  });
});

describeEachDialect(
  'integration API: event types and the typed OpenAPI document',
  (suite) => {
    let api: RunningApi;
    let raw: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    let doc: Parameters<typeof responseProblems>[0];

    before(async () => {
      api = await startApi(suite.db, { api: { keyCacheMs: 0 } });
      raw = (await call(api.base, 'GET', '/api/v1/openapi.json')).body;
      doc = (await SwaggerParser.dereference(structuredClone(raw) as never)) as unknown as typeof doc;
    });

    after(async () => {
      await api?.close();
    });

    it('lists every event type with its description, payload schema and sample envelope, without a key', async () => {
      const answer = await call(api.base, 'GET', '/api/v1/event-types');
      expect(answer.status).to.equal(200);
      expect(responseProblems(doc, 'GET', '/api/v1/event-types', 200, answer.body)).to.deep.equal([]);
      expect(answer.body.data.map((t: { type: string }) => t.type)).to.deep.equal([...EVENT_TYPES]);
      for (const item of answer.body.data) {
        expect(item.description, item.type).to.have.length.above(20);
        expect(item.payload_schema.required, item.type).to.deep.equal(Object.keys(item.payload_schema.properties));
        expect(payloadProblems(item.type, item.sample.payload)).to.deep.equal([]);
        expect(item.sample).to.include.keys('id', 'type', 'createdUtc', 'companyId', 'payload', 'metadata');
      }
      const one = await call(api.base, 'GET', '/api/v1/event-types/Payment.Failed');
      expect(one.status).to.equal(200);
      expect(one.body).to.deep.equal(answer.body.data.find((t: { type: string }) => t.type === 'payment.failed'));
      const missing = await call(api.base, 'GET', '/api/v1/event-types/payment.exploded');
      expect(missing.status).to.equal(404);
      expect(missing.body.error.details.valid_types).to.deep.equal([...EVENT_TYPES]);
      expect((await call(api.base, 'GET', '/api/v1/event-types?x=1')).status).to.equal(400);
    });

    it('every event capture writes matches its published schema, and GET /events matches the typed document', async function () {
      this.timeout(180_000);
      const simulator = new CrmSimulator(suite.db, { eventsPerSecond: 100, timezone: 'UTC', random: seeded(13) }, silentLogger());
      const ctx = testCaptureContext(suite.db, { now: () => new Date() });
      // The first cycle takes the seed data as the starting point; what the CRM does after is captured.
      await captureAll(ctx);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 150; i++) await simulator.step();
        await captureAll(ctx);
      }
      await reconcileInvoiceStatuses(ctx);
      const rows = await suite.db.db.selectFrom('integration.OutboxEvent').select(['EventType', 'Payload']).execute();
      const problems = rows.flatMap((row) => payloadProblems(row.EventType, JSON.parse(row.Payload) as Record<string, unknown>));
      expect([...new Set(problems)].slice(0, 20)).to.deep.equal([]);
      expect([...new Set(rows.map((r) => r.EventType))].sort()).to.deep.equal([...EVENT_TYPES].sort());
      const reader = await keyWith(suite.db, 'events:read');
      const page = await call(api.base, 'GET', '/api/v1/events?limit=500', reader);
      expect(page.body.data.length).to.be.above(50);
      expect(responseProblems(doc, 'GET', '/api/v1/events', 200, page.body)).to.deep.equal([]);
      // The typed document really checks payloads: a wrong one is caught.
      const broken = structuredClone(page.body);
      delete broken.data[0].payload[Object.keys(broken.data[0].payload)[0] as string];
      expect(responseProblems(doc, 'GET', '/api/v1/events', 200, broken)).to.not.deep.equal([]);
    });

    it('documents every operation with a unique operationId, servers, typed events and the webhooks', async () => {
      const operations = Object.values(raw.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((path) =>
        Object.values(path),
      );
      const operationIds = operations.map((o) => o.operationId);
      expect(
        operationIds.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id)),
        String(operationIds),
      ).to.equal(true);
      expect(new Set(operationIds).size).to.equal(operationIds.length);
      expect(operationIds).to.include.members([
        'listEventTypes',
        'listDeliveries',
        'resendDelivery',
        'recoverSubscription',
        'sendTestEvent',
      ]);
      expect(raw.servers).to.deep.equal([{ url: '/', description: 'This service' }]);
      expect(raw.paths['/api/v1/events'].get.responses['200'].content['application/json'].schema.properties.data.items).to.deep.equal({
        $ref: '#/components/schemas/Event',
      });
      expect(raw.components.schemas.Event.oneOf).to.have.length(10);
      expect(raw.components.schemas.PaymentFailedPayload.properties).to.have.property('failure_reason');
      expect(Object.keys(raw.webhooks)).to.deep.equal([...EVENT_TYPES]);
      await SwaggerParser.validate(structuredClone(raw) as never);
    });

    it('passes redocly lint without errors', async function () {
      this.timeout(120_000);
      const dir = await mkdtemp(join(tmpdir(), 'outbox-openapi-'));
      try {
        const file = join(dir, 'openapi.json');
        await writeFile(file, JSON.stringify(raw));
        const lint = await promisify(execFile)(process.execPath, [REDOCLY, 'lint', file, '--format=json'], {
          cwd: dir,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
          timeout: 110_000,
        }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
        const report = JSON.parse(lint.stdout) as {
          totals: { errors: number; warnings: number };
          problems: { severity: string; ruleId: string; message: string }[];
        };
        const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`);
        expect(errors).to.deep.equal([]);
        expect(report.totals.errors).to.equal(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  },
  { demoCrm: true },
);
