import { DateTime } from 'luxon';
import { parseDatabaseUrl, describeTarget } from '../config/database-url.js';
import type { Config } from '../config/schema.js';
import { type Database, openDatabase } from '../db/connect.js';
import type { SourceTables } from '../db/source-tables.js';
import type { StoreTables } from '../db/store-tables.js';
import type { LookupAll } from '../delivery/address-guard.js';
import { httpSender } from '../delivery/delivery-service.js';
import type { HttpSender } from '../delivery/http-sender.js';
import { readSchemaState } from '../store/migrate.js';
import { compatibilityVerdict, rowVersioningReport } from '../store/store-settings.js';
import type { DatabaseSettings, TablePrivilege } from '../db/ports/doctor.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found. */
  detail: string;
  /** What to do about it, for a failure. */
  fix?: string;
  /** A warning: worth reading, not a failure. */
  warn?: boolean;
}

const SOURCE_OBJECTS = [
  'dbo.ClientStatus',
  'dbo.TeamRole',
  'dbo.Employee',
  'dbo.Client',
  'dbo.ClientStatusHistory',
  'dbo.Invoice',
  'dbo.InvoicePayment',
  'api.vwInvoiceDetails',
  'dbo.DocType',
  'dbo.ClientDoc',
  'dbo.AgreementTerms',
  'dbo.AgreementSigned',
] as const satisfies readonly (keyof SourceTables)[];

const DML: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * What `outbox run` needs on each store table: the service works every table but the migration
 * log, which it only reads when nothing is pending. A record over StoreTables' keys, so a table
 * added to the schema's types cannot be left out of the check.
 */
export const STORE_RIGHTS: { readonly [T in keyof StoreTables]: readonly TablePrivilege[] } = {
  'integration.SchemaMigration': ['SELECT'],
  'integration.OutboxEvent': DML,
  'integration.CaptureWatermark': DML,
  'integration.CaptureGapRange': DML,
  'integration.CaptureGapExpired': DML,
  'integration.CaptureInvoiceStatus': DML,
  'integration.CaptureBackfill': DML,
  'integration.WebhookSubscription': DML,
  'integration.WebhookDelivery': DML,
  'integration.DeliveryAttempt': DML,
  'integration.ApiKey': DML,
  'integration.AdminSession': DML,
};
const MAX_SKEW_MS = 2000;

export interface DoctorOptions {
  /** Probes a subscription URL; resolves with the HTTP status or rejects with the network error. */
  probeUrl?: (url: string) => Promise<number>;
  /** Replaces DNS for the default probe (tests). */
  lookup?: LookupAll;
  now?: () => Date;
}

/**
 * Everything a first install gets wrong, one check at a time. A check that cannot run because an
 * earlier one failed (no connection) is reported as such rather than skipped silently.
 */
export async function runDoctor(config: Config, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const now = options.now ?? (() => new Date());
  const store = await connect('store', config.store.url, config.store.connectTimeoutMs, results);
  const separateSource = config.source.url !== null && config.source.url !== config.store.url;
  const source = separateSource ? await connect('source', config.source.url as string, config.source.connectTimeoutMs, results) : store;
  try {
    if (store) {
      await tls('store', store, results);
      const pending = await schemaCheck(store, results);
      if (pending === 0) {
        // What `outbox run` needs when nothing is pending: it reads the migration log and works the tables.
        await privileges('store', store, Object.entries(STORE_RIGHTS), results);
      } else if (pending !== null) await migrationRights(store, pending, results);
      await databaseSettings(store, !separateSource, results);
      await clockCheck(store, now, results);
    }
    if (source) {
      if (separateSource) await tls('source', source, results);
      const present = await sourceObjects(source, results);
      if (present.length > 0) {
        await privileges(
          'source',
          source,
          present.map((object) => [object, ['SELECT']] as const),
          results,
        );
      }
      await timeZoneCheck(source, config.source.timezone, now, results);
    } else {
      results.push({
        name: 'source objects',
        ok: false,
        detail: 'not checked: no connection to the source',
        fix: 'fix the source connection first',
      });
    }
    if (store) {
      if (options.probeUrl) await subscriptionChecks(store, options.probeUrl, results);
      else {
        // The dispatcher's own sender: the SSRF guard applies to the probe as to every delivery.
        const sender = httpSender(config, options.lookup);
        try {
          await subscriptionChecks(store, (url) => probeWithSender(sender, url), results);
        } finally {
          await sender.destroy();
        }
      }
    }
  } finally {
    if (source && source !== store) await source.close();
    await store?.close();
  }
  return results;
}

async function connect(role: string, url: string, timeoutMs: number, results: CheckResult[]): Promise<Database | null> {
  const target = parseDatabaseUrl(url);
  try {
    const database = await openDatabase(target, { role, connectTimeoutMs: timeoutMs, poolMax: 1 });
    const version = await database.dialect.doctor.serverVersion(database.db);
    results.push({ name: `${role} connection`, ok: true, detail: `${describeTarget(target)}: ${version}` });
    return database;
  } catch (error) {
    results.push({
      name: `${role} connection`,
      ok: false,
      detail: (error as Error).message,
      fix: `check ${role}.url (host, port, database, user, password) and that the server accepts connections from this machine`,
    });
    return null;
  }
}

async function tls(role: string, database: Database, results: CheckResult[]): Promise<void> {
  if (database.target.kind === 'pglite') return;
  const encrypted = await database.dialect.doctor.encrypted(database.db).catch(() => null);
  if (encrypted === true) results.push({ name: `${role} TLS`, ok: true, detail: 'the connection is encrypted' });
  else if (encrypted === false) {
    results.push({
      name: `${role} TLS`,
      ok: true,
      warn: true,
      detail: 'the connection is NOT encrypted',
      fix: database.target.kind === 'mssql' ? 'set Encrypt=True (and a trusted server certificate)' : 'add sslmode=require to the URL',
    });
  } else results.push({ name: `${role} TLS`, ok: true, warn: true, detail: 'the server did not say whether the connection is encrypted' });
}

/** Returns how many migrations are pending, or null when the state cannot be read. */
async function schemaCheck(store: Database, results: CheckResult[]): Promise<number | null> {
  try {
    const state = await readSchemaState(store);
    if (state.pending.length === 0) results.push({ name: 'store schema', ok: true, detail: `version ${state.current}, current` });
    else {
      results.push({
        name: 'store schema',
        ok: false,
        detail: state.current === 0 ? 'the integration schema does not exist yet' : `version ${state.current} of ${state.latest}`,
        fix: "run 'outbox migrate' (or start the service, which migrates), or have a DBA run 'outbox migrate --print'",
      });
    }
    return state.pending.length;
  } catch (error) {
    results.push({
      name: 'store schema',
      ok: false,
      detail: (error as Error).message,
      fix: 'see the message; restore the migration files of this release',
    });
    return null;
  }
}

/** With migrations pending, `outbox run` applies them first: the login needs DDL rights for that. */
async function migrationRights(store: Database, pending: number, results: CheckResult[]): Promise<void> {
  const can = await store.dialect.doctor.canMigrate(store.db).catch(() => false);
  results.push({
    name: 'store rights',
    ok: can,
    detail: can
      ? `not checked table by table until the schema exists; the login may apply the ${pending} pending migration(s)`
      : `the login cannot apply the ${pending} pending migration(s) (no right to create the schema or its tables)`,
    ...(can
      ? {}
      : {
          fix: "have a DBA run 'outbox migrate --print' (or 'outbox migrate' with a login that may), then start with 'outbox run --no-migrate'",
        }),
  });
}

/**
 * The CRM objects capture reads that this database has; the missing ones are one failed check
 * (no GRANT fixes a missing table: the source URL names the wrong database, or the demo CRM was
 * not created yet).
 */
async function sourceObjects(source: Database, results: CheckResult[]): Promise<string[]> {
  const present: string[] = [];
  const missing: string[] = [];
  for (const object of SOURCE_OBJECTS) {
    ((await source.dialect.doctor.objectExists(source.db, object).catch(() => false)) ? present : missing).push(object);
  }
  if (missing.length > 0) {
    const hidden = source.dialect.doctor.hiddenObjectsNote;
    results.push({
      name: 'source objects',
      ok: false,
      detail: `${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''} do not exist in this database${hidden}`,
      fix: "point source.url at the CRM database (docs/source-contract.md lists what capture reads); for the demo CRM, 'npm start' (outbox run --demo) creates it in the store",
    });
  }
  return present;
}

async function privileges(
  role: string,
  database: Database,
  wanted: readonly (readonly [string, readonly TablePrivilege[]])[],
  results: CheckResult[],
): Promise<void> {
  const missing: string[] = [];
  const granted = new Map<string, number>();
  for (const [object, privileges] of wanted) {
    for (const privilege of privileges) {
      const ok = await database.dialect.doctor.hasPrivilege(database.db, object, privilege).catch(() => false);
      if (!ok) missing.push(`${privilege} on ${object}`);
    }
    const set = privileges.join(', ');
    granted.set(set, (granted.get(set) ?? 0) + 1);
  }
  if (missing.length === 0) {
    const detail = [...granted].map(([set, count]) => `${set} on ${count} object${count === 1 ? '' : 's'}`).join('; ');
    results.push({ name: `${role} rights`, ok: true, detail });
  } else {
    results.push({
      name: `${role} rights`,
      ok: false,
      detail: `missing ${missing.slice(0, 4).join('; ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}`,
      fix: database.dialect.doctor.grantAdvice,
    });
  }
}

/** The compatibility level `outbox run` refuses below, and what row versioning means for pollers. */
async function databaseSettings(store: Database, alsoCrm: boolean, results: CheckResult[]): Promise<void> {
  let settings: DatabaseSettings | null;
  try {
    settings = await store.dialect.doctor.databaseSettings(store.db);
  } catch (error) {
    results.push({ name: 'store compatibility level', ok: false, detail: `could not be read: ${(error as Error).message}` });
    return;
  }
  if (!settings) return;
  results.push({ name: 'store compatibility level', ...compatibilityVerdict(settings, alsoCrm) });
  results.push({ name: 'store row versioning', ...rowVersioningReport(settings) });
}

async function clockCheck(store: Database, now: () => Date, results: CheckResult[]): Promise<void> {
  const before = now().getTime();
  const clock = await store.dialect.doctor.serverClock(store.db);
  const after = now().getTime();
  const skew = clock.utc.getTime() - (before + after) / 2;
  const ok = Math.abs(skew) <= MAX_SKEW_MS + (after - before) / 2;
  results.push({
    name: 'clock skew',
    ok,
    detail: `this machine is ${Math.abs(Math.round(skew))} ms ${skew > 0 ? 'behind' : 'ahead of'} the store database`,
    ...(ok ? {} : { fix: 'synchronise both clocks with NTP (w32tm /resync on Windows, timedatectl on Linux)' }),
  });
}

async function timeZoneCheck(source: Database, zone: string, now: () => Date, results: CheckResult[]): Promise<void> {
  const clock = await source.dialect.doctor.serverClock(source.db);
  const serverLocal = DateTime.fromISO(clock.local, { zone });
  const minutesOff = Math.round((serverLocal.toMillis() - now().getTime()) / 60_000);
  // The CRM writes its local wall clock; if that clock, read in the configured zone, is not "now",
  // every converted timestamp will be off by the same amount.
  if (Math.abs(minutesOff) <= 5) {
    results.push({ name: 'source time zone', ok: true, detail: `${zone}: the source server's local time matches` });
  } else {
    results.push({
      name: 'source time zone',
      ok: false,
      detail: `${zone}: the source server's local time ${clock.local} is ${minutesOff} minutes off when read in that zone`,
      fix: `set source.timezone (OUTBOX_SOURCE_TIMEZONE) to the zone the CRM's server runs in: ${zonesMatching(clock.local, zone, now())}`,
    });
  }
}

/** Zones whose wall clock reads like the server's now, other than the one configured. */
function zonesMatching(serverLocal: string, configured: string, now: Date): string {
  const minutes = DateTime.fromISO(serverLocal, { zone: 'UTC' }).diff(DateTime.fromJSDate(now), 'minutes').minutes;
  const offset = Math.round(minutes / 15) * 15;
  const hours = `${Math.floor(Math.abs(offset) / 60)}`.padStart(2, '0');
  const label = `UTC${offset < 0 ? '-' : '+'}${hours}:${`${Math.abs(offset) % 60}`.padStart(2, '0')}`;
  const zones = Intl.supportedValuesOf('timeZone').filter(
    (name) => name !== configured && name.includes('/') && DateTime.fromJSDate(now).setZone(name).offset === offset,
  );
  return `its clock reads ${label} now${zones.length ? `, e.g. ${zones.slice(0, 3).join(', ')}` : ''}`;
}

async function subscriptionChecks(store: Database, probe: (url: string) => Promise<number>, results: CheckResult[]): Promise<void> {
  let subscriptions: { SubscriptionId: number; Url: string }[];
  try {
    subscriptions = await store.db
      .selectFrom('integration.WebhookSubscription')
      .select(['SubscriptionId', 'Url'])
      .where('Enabled', '=', true)
      .execute();
  } catch {
    return; // the schema check already said why
  }
  if (subscriptions.length === 0) {
    results.push({ name: 'subscriptions', ok: true, detail: 'none enabled' });
    return;
  }
  for (const subscription of subscriptions) {
    try {
      const status = await probe(subscription.Url);
      results.push({
        name: `subscription ${subscription.SubscriptionId}`,
        ok: true,
        detail: `${subscription.Url} answered HTTP ${status}`,
      });
    } catch (error) {
      results.push({
        name: `subscription ${subscription.SubscriptionId}`,
        ok: false,
        detail: `${subscription.Url}: ${(error as Error).message}`,
        fix: 'check the URL, DNS and any firewall or proxy between this machine and the receiver',
      });
    }
  }
}

async function probeWithSender(sender: HttpSender, url: string): Promise<number> {
  const result = await sender.probe(url);
  if (result.httpStatus === null) throw new Error(result.error ?? result.errorClass ?? 'no response');
  return result.httpStatus;
}

export function formatResults(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return `${results
    .map(
      (r) =>
        `${r.ok ? (r.warn ? 'warn' : 'ok  ') : 'FAIL'}  ${r.name.padEnd(width)}  ${r.detail}${r.fix && (!r.ok || r.warn) ? `\n      fix: ${r.fix}` : ''}`,
    )
    .join('\n')}\n`;
}
