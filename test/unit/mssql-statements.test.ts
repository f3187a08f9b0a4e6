import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type MssqlStatementCase, recordingMssqlDatabase } from '../support/mssql-recorder.js';

// Compiled cases live in dist/test/snapshots/cases; the reviewed .sql snapshots stay in the source tree.
const CASES_DIR = fileURLToPath(new URL('../snapshots/cases/', import.meta.url));
const SNAPSHOT_DIR = fileURLToPath(new URL('../../../test/snapshots/mssql/', import.meta.url));
const UPDATE = process.env['UPDATE_SNAPSHOTS'] === '1';

/**
 * Values vary run to run (clocks, random demo data); their types are what a review needs: a
 * string binds as nvarchar, a Date as datetime2, a number as int/bigint/float.
 */
function parameterType(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value;
}

function render(name: string, statements: { sql: string; parameters: readonly unknown[] }[]): string {
  const body = statements
    .map((s) => `${s.sql.trim()};${s.parameters.length ? `\n-- parameter types: ${s.parameters.map(parameterType).join(', ')}` : ''}`)
    .join('\n');
  return `-- == ${name} ==\n${body}\n`;
}

const parts = readdirSync(CASES_DIR)
  .filter((file) => file.endsWith('.js'))
  .map((file) => file.replace(/\.js$/, ''));

describe('SQL Server statements match their reviewed snapshots (test/snapshots/mssql)', () => {
  for (const part of parts) {
    it(`${part}: every statement compiled through Kysely's MssqlDialect`, async () => {
      const { cases } = (await import(path.join(CASES_DIR, `${part}.js`))) as { cases: MssqlStatementCase[] };
      expect(cases.length, `${part} defines cases`).to.be.greaterThan(0);
      let text = `-- Every SQL Server statement of ${part}, compiled by Kysely's MssqlDialect. Reviewed by hand;\n-- regenerate with UPDATE_SNAPSHOTS=1 npm test and read the diff before committing.\n\n`;
      for (const c of cases) {
        const { database, statements } = recordingMssqlDatabase(c.respond);
        await c.run(database);
        expect(statements.length, `${c.name} issues statements`).to.be.greaterThan(0);
        text += `${render(c.name, statements)}\n`;
      }
      const file = path.join(SNAPSHOT_DIR, `${part}.sql`);
      if (UPDATE || !existsSync(file)) {
        if (!UPDATE) throw new Error(`no snapshot ${file}: run UPDATE_SNAPSHOTS=1 npm test, review it and commit it`);
        writeFileSync(file, text);
      }
      expect(text).to.equal(readFileSync(file, 'utf8'));
    });
  }
});

describe('SQL Server statements the filtered pending indexes serve', () => {
  it("compare Status with the literal N'pending', never a parameter (a parameter never matches a filtered index)", () => {
    const snapshots = readdirSync(SNAPSHOT_DIR).map((file) => readFileSync(path.join(SNAPSHOT_DIR, file), 'utf8'));
    const statements = snapshots.flatMap((text) => text.split(/;\n/));
    // The delivery logs filter by whichever status a person picks, over (SubscriptionId, DeliveryId).
    const pendingQueue = statements.filter(
      (s) => /WebhookDelivery/.test(s) && /where[^;]*"Status" (=|in)/i.test(s) && !/"d"\."Status"/.test(s),
    );
    const parameterized = pendingQueue.filter((s) => /where[^;]*"Status" = @\d/i.test(s));
    expect(parameterized, parameterized.join('\n')).to.deep.equal([]);
    expect(pendingQueue.filter((s) => s.includes(`"Status" = N'pending'`)).length).to.be.at.least(5);
  });
});
