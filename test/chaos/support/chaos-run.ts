import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../../src/api/api-keys.js';
import { parseDatabaseUrl } from '../../../src/config/database-url.js';
import { type Database, openDatabase } from '../../../src/db/connect.js';
import { ensureDemoCrm } from '../../../src/demo/crm-schema.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { migrate } from '../../../src/store/migrate.js';
import type { ChaosReceiver } from './chaos-receiver.js';
import { type CrmWriter, sleep } from './crm-writer.js';
import type { EventPoller } from './poller.js';
import { chaosConfig, freePort, ServiceProcess } from './service-process.js';

export interface Subscription {
  id: number;
  secret: string;
  receiver: ChaosReceiver;
  eventTypes: string[];
}

/** What a run ends with; every count the scenarios assert on and the README reports. */
export interface RunReport {
  changes: number;
  expectedEvents: number;
  events: number;
  /** Expected events the outbox does not hold. */
  missing: string[];
  /** Outbox events no source change explains. */
  unexpected: string[];
  /** (type, source key) pairs the outbox holds more than once. */
  outboxDuplicates: number;
  deliveries: Record<string, number>;
  /** Per subscription: matching outbox events its receiver never got. */
  notReceived: Record<string, number>;
  /** Per subscription: arrivals beyond the first of an event. */
  receiverDuplicates: Record<string, number>;
  pollerMissing: number;
  pollerDuplicates: number;
  pollerServerErrors: number;
  pollerUnavailable: number;
}

export function matches(type: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/**
 * One scenario's world: a migrated store with the demo CRM in it (the CRM and the store are one
 * database, as by default), an admin API key, the service instances as child processes, the
 * receivers subscribed through the real API. Closing it stops everything it started.
 */
export class ChaosRun {
  readonly folder = mkdtempSync(path.join(os.tmpdir(), 'outbox-chaos-'));
  readonly services: ServiceProcess[] = [];
  readonly subscriptions: Subscription[] = [];
  /** Deliveries a killed process held under lease when it died: the duplicates it may cause. */
  cutLeases = 0;
  apiKey = '';

  private constructor(
    readonly storeUrl: string,
    readonly store: Database,
  ) {}

  static async open(storeUrl: string): Promise<ChaosRun> {
    const store = await openDatabase(parseDatabaseUrl(storeUrl), { role: 'chaos', connectTimeoutMs: 10_000, poolMax: 6 });
    const run = new ChaosRun(storeUrl, store);
    await migrate(store, silentLogger());
    await ensureDemoCrm(store);
    run.apiKey = (await createApiKey(store, 'chaos', ['admin'])).key;
    return run;
  }

  async addService(overrides: Record<string, unknown> = {}): Promise<ServiceProcess> {
    const name = `instance${this.services.length + 1}`;
    const port = await freePort();
    const service = new ServiceProcess(name, this.folder, port, chaosConfig(this.storeUrl, port, overrides));
    this.services.push(service);
    return service;
  }

  liveUrls(): string[] {
    return this.services.filter((s) => s.running).map((s) => s.url);
  }

  async api(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const base = this.liveUrls()[0];
    if (!base) throw new Error('no instance is running');
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  async subscribe(receiver: ChaosReceiver, eventTypes: string[]): Promise<Subscription> {
    const created = await this.api('POST', '/api/v1/webhooks/subscriptions', { url: receiver.url, event_types: eventTypes });
    if (created.status !== 201) throw new Error(`subscribing ${receiver.name} answered ${created.status}: ${JSON.stringify(created.json)}`);
    const answer = created.json as { id: number | string; secret: string };
    const subscription = { id: Number(answer.id), secret: answer.secret, receiver, eventTypes };
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** Every source object has its watermark: from now on each change is captured, none is "old". */
  async captureStarted(objects = 7, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await this.store.db
        .selectFrom('integration.CaptureWatermark')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(row.n) >= objects) return;
      if (Date.now() > deadline) throw new Error('capture did not start on every source object');
      await sleep(100);
    }
  }

  /** SIGKILLs an instance, then counts the deliveries it held under lease. */
  async kill(service: ServiceProcess): Promise<void> {
    const pid = service.pid;
    await service.kill();
    this.cutLeases += await this.#leased(`%:${pid}:%`);
  }

  /**
   * Around a store outage: the leases held when it went down are what the database kept, read as
   * soon as it is back (a count taken before the stop misses the claims made while it stops).
   * The larger of the two counts is taken.
   */
  async countLeasesCutByOutage(before: number): Promise<void> {
    let after = before;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        after = await this.#leased('%');
        break;
      } catch {
        // The pool may hand out a connection the restart cut: try again on a fresh one.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    this.cutLeases += Math.max(before, after);
  }

  async leasesHeld(): Promise<number> {
    return this.#leased('%');
  }

  async #leased(owner: string): Promise<number> {
    const held = await this.store.db
      .selectFrom('integration.WebhookDelivery')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('Status', '=', 'pending')
      .where('LeaseOwner', 'like', owner)
      .executeTakeFirstOrThrow();
    return Number(held.n);
  }

  async outboxEvents(): Promise<{ EventId: string; EventType: string; SourceKey: string }[]> {
    const rows = await this.store.db.selectFrom('integration.OutboxEvent').select(['EventId', 'EventType', 'SourceKey']).execute();
    return rows.map((r) => ({ EventId: String(r.EventId), EventType: r.EventType, SourceKey: r.SourceKey }));
  }

  async deliveryStates(): Promise<Record<string, number>> {
    const rows = await this.store.db
      .selectFrom('integration.WebhookDelivery')
      .select(['Status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('Status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.Status, Number(r.n)]));
  }

  /**
   * Waits until the outbox holds every expected event, no delivery is pending and the poller has
   * read every event (or the time is up), and returns what it found either way.
   */
  async converge(writer: CrmWriter, poller: EventPoller, timeoutMs: number): Promise<RunReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = await this.report(writer, poller);
      const done = report.missing.length === 0 && !report.deliveries['pending'] && report.pollerMissing === 0;
      if (done || Date.now() > deadline) return report;
      await sleep(250);
    }
  }

  async report(writer: CrmWriter, poller: EventPoller): Promise<RunReport> {
    const events = await this.outboxEvents();
    const keyOf = (type: string, key: string) => `${type} ${key}`;
    const held = new Map<string, number>();
    for (const e of events) held.set(keyOf(e.EventType, e.SourceKey), (held.get(keyOf(e.EventType, e.SourceKey)) ?? 0) + 1);
    const expected = new Set(writer.expected.map((e) => keyOf(e.type, e.sourceKey)));
    const notReceived: Record<string, number> = {};
    const receiverDuplicates: Record<string, number> = {};
    for (const s of this.subscriptions) {
      const counts = s.receiver.counts();
      notReceived[s.receiver.name] = events.filter((e) => matches(e.EventType, s.eventTypes) && !counts.has(e.EventId)).length;
      receiverDuplicates[s.receiver.name] = s.receiver.duplicates();
    }
    return {
      changes: writer.acts,
      expectedEvents: writer.expected.length,
      events: events.length,
      missing: [...expected].filter((k) => !held.has(k)),
      unexpected: [...held.keys()].filter((k) => !expected.has(k)),
      outboxDuplicates: [...held.values()].filter((n) => n > 1).length,
      deliveries: await this.deliveryStates(),
      notReceived,
      receiverDuplicates,
      pollerMissing: events.filter((e) => !poller.seen.has(e.EventId)).length,
      pollerDuplicates: poller.duplicates(),
      pollerServerErrors: poller.serverErrors.length,
      pollerUnavailable: poller.unavailable,
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.services.map((s) => s.stop()));
    await Promise.allSettled(this.subscriptions.map((s) => s.receiver.close()));
    await this.store.close();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Counts of a report in one line, for the suite's output and the README. */
export function summarise(title: string, report: RunReport, extra: Record<string, unknown> = {}): string {
  const dup = Object.values(report.receiverDuplicates).reduce((a, b) => a + b, 0);
  return `      ${title}: ${JSON.stringify({
    changes: report.changes,
    expectedEvents: report.expectedEvents,
    events: report.events,
    missing: report.missing.length,
    unexpected: report.unexpected.length,
    ...(report.missing.length ? { someMissing: report.missing.slice(0, 5) } : {}),
    ...(report.unexpected.length ? { someUnexpected: report.unexpected.slice(0, 5) } : {}),
    outboxDuplicates: report.outboxDuplicates,
    deliveries: report.deliveries,
    receiverDuplicates: dup,
    pollerDuplicates: report.pollerDuplicates,
    poller5xx: report.pollerServerErrors,
    poller503: report.pollerUnavailable,
    ...extra,
  })}`;
}
