import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agent } from 'undici';
import { createApiKey } from '../../src/api/api-keys.js';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { openDatabase } from '../../src/db/connect.js';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { percentile } from '../support/percentile.js';

/** Commits per second and how long each steady phase writes. */
const PHASES = [
  { rate: 20, seconds: Number(process.env['OUTBOX_BENCH_LATENCY_SLOW_SECONDS'] ?? 15) },
  { rate: 1000, seconds: Number(process.env['OUTBOX_BENCH_LATENCY_FAST_SECONDS'] ?? 10) },
];
const IDLE_SECONDS = 10;
/** The service under test: this build's, or another's (OUTBOX_BENCH_LATENCY_MAIN, to compare with a baseline). */
const MAIN = process.env['OUTBOX_BENCH_LATENCY_MAIN'] ?? fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** Extra node flags for the service under test, e.g. OUTBOX_BENCH_LATENCY_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const NODE_ARGS = (process.env['OUTBOX_BENCH_LATENCY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const RECEIVER = fileURLToPath(new URL('../support/latency-receiver.js', import.meta.url));
/** Milliseconds since the epoch, sub-millisecond, comparable with the receiver process's. */
const clock = () => performance.timeOrigin + performance.now();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Arrival times (clock()) by client id. */
type Arrivals = Map<number, number>;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface ReceiverProcess {
  url: string;
  /** The arrivals noted so far. */
  arrivals(): Promise<Arrivals>;
  close(): Promise<void>;
}

/** The webhook receiver, a child process on 127.0.0.1 (test/support/latency-receiver.ts). */
async function startReceiver(): Promise<ReceiverProcess> {
  const child = fork(RECEIVER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals: () =>
      new Promise((resolve) => {
        child.once('message', (message: { arrivals: [number, number][] }) => resolve(new Map(message.arrivals)));
        child.send({ report: true });
      }),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ exit: true });
      await exited;
    },
  };
}

/** A poller on GET /api/v1/events?wait=30 from the end of the outbox, noting arrivals until stopped. */
function startLongPoller(base: string, key: string, arrivals: Arrivals): { stop: () => Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const gone = new AbortController();
  const get = async (query: string) => {
    const response = await agent.request({
      origin: base,
      path: `/api/v1/events?${query}`,
      method: 'GET',
      headers: { authorization: `Bearer ${key}` },
      signal: gone.signal,
    });
    const page = (await response.body.json()) as { data: { payload: { client_id: number } }[]; next_cursor: string };
    if (response.statusCode !== 200) throw new Error(`long poll answered ${response.statusCode}: ${JSON.stringify(page)}`);
    return page;
  };
  const loop = (async () => {
    let cursor = '';
    for (;;) {
      const page = await get(`type=client.created&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      cursor = page.next_cursor;
      if (page.data.length === 0) break;
    }
    while (!gone.signal.aborted) {
      const page = await get(`type=client.created&limit=500&wait=30&cursor=${cursor}`);
      const at = clock();
      for (const event of page.data) if (!arrivals.has(event.payload.client_id)) arrivals.set(event.payload.client_id, at);
      cursor = page.next_cursor;
    }
  })().catch((error: Error) => {
    if (!gone.signal.aborted) process.stderr.write(`long poller failed: ${error.message}\n`);
  });
  return {
    stop: async () => {
      gone.abort();
      await loop;
      await agent.close();
    },
  };
}

/** Commits one new client at a time, on a schedule of `rate` per second; returns commit times by id. */
async function writeSteadily(crm: pg.Pool, rate: number, seconds: number): Promise<{ commits: Map<number, number>; achieved: number }> {
  const total = rate * seconds;
  const commits = new Map<number, number>();
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  for (let i = 0; i < total;) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    // Everything due by now goes out, on at most 8 connections.
    while (i < total && start + (i * 1000) / rate <= performance.now()) {
      if (inFlight.size >= 8) await Promise.race(inFlight);
      const n = i++;
      const insert = crm
        .query<{ ClientID: number }>(
          `INSERT INTO dbo."Client" ("FirstName", "LastName", "Email", "Phone", "StatusID", "EmployeeID", "LeadSource", "CreatedDate")
           VALUES ($1, 'Latency', NULL, NULL, 42, 7, 'bench', localtimestamp) RETURNING "ClientID"`,
          [`Writer${n}`],
        )
        .then((result) => {
          commits.set(Number(result.rows[0]!.ClientID), clock());
        })
        .finally(() => inFlight.delete(insert));
      inFlight.add(insert);
    }
  }
  await Promise.all(inFlight);
  return { commits, achieved: total / ((performance.now() - start) / 1000) };
}

function percentiles(latencies: number[]): string {
  if (latencies.length === 0) return 'nothing received';
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p);
  return `p50 ${at(50).toFixed(0)} ms, p90 ${at(90).toFixed(0)} ms, p99 ${at(99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`;
}

async function waitForArrivals(commits: Map<number, number>, sources: (() => Promise<Arrivals>)[], ms: number): Promise<Arrivals[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const arrivals = await Promise.all(sources.map((source) => source()));
    const done = arrivals.every((a) => [...commits.keys()].every((id) => a.has(id)));
    if (done || performance.now() > deadline) return arrivals;
    await sleep(200);
  }
}

/** p50 of the first and the last tenth of the commits: a growing figure is a backlog, a flat one a delay. */
function trend(values: number[]): string {
  const tenth = Math.max(1, Math.floor(values.length / 10));
  const p50 = (part: number[]) => [...part].sort((a, b) => a - b)[Math.floor(part.length / 2)]!.toFixed(0);
  return values.length === 0 ? '' : `; first/last tenth p50 ${p50(values.slice(0, tenth))}/${p50(values.slice(-tenth))} ms`;
}

function latencies(commits: Map<number, number>, arrivals: Arrivals): { values: number[]; missing: number } {
  const values: number[] = [];
  let missing = 0;
  for (const [id, committed] of commits) {
    const at = arrivals.get(id);
    if (at === undefined) missing += 1;
    else values.push(at - committed);
  }
  return { values, missing };
}

/** utime + stime of a process in seconds, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Statements sent to each database so far, and the event loop's delay since the last scrape
 * (prom-client resets its monitor on each scrape).
 */
async function sample(base: string, pid: number): Promise<CostSample> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const statements = new Map<string, number>();
  for (const match of text.matchAll(/^outbox_db_statements_total\{database="(\w+)"\} (\d+)$/gm))
    statements.set(match[1]!, Number(match[2]));
  const gauge = (name: string) =>
    Number(text.match(new RegExp(`^outbox_nodejs_eventloop_lag_${name}_seconds ([\\d.e+-]+)$`, 'm'))?.[1] ?? NaN);
  return { statements, loopP99Ms: 1000 * gauge('p99'), loopMaxMs: 1000 * gauge('max'), cpu: cpuSeconds(pid), at: performance.now() };
}

/** Webhook requests answered so far and their summed duration (the service's own histogram). */
async function attemptTotals(base: string): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const sum = (name: string) =>
    [...text.matchAll(new RegExp(`^outbox_delivery_attempt_duration_seconds_${name}\\{[^}]*\\} ([\\d.e+-]+)$`, 'gm'))].reduce(
      (total, match) => total + Number(match[1]),
      0,
    );
  return { count: sum('count'), seconds: sum('sum') };
}

interface CostSample {
  statements: Map<string, number>;
  /** The event loop's delay since the scrape before. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** CPU seconds of the service process. */
  cpu: number;
  at: number;
}

/** Statements per second to each database and the service's CPU between two samples. */
function costLine(before: CostSample, after: CostSample): string {
  const seconds = (after.at - before.at) / 1000;
  const perSecond = (database: string) => ((after.statements.get(database) ?? 0) - (before.statements.get(database) ?? 0)) / seconds;
  const statements =
    after.statements.size === 0
      ? 'statements not counted by this build'
      : `${perSecond('source').toFixed(1)} statements/s to the CRM, ${perSecond('store').toFixed(1)} statements/s to the store`;
  const loop = Number.isNaN(after.loopP99Ms)
    ? ''
    : `, event loop delay p99 ${after.loopP99Ms.toFixed(0)} ms (max ${after.loopMaxMs.toFixed(0)})`;
  return `${statements}, CPU ${((100 * (after.cpu - before.cpu)) / seconds).toFixed(1)}% of one core${loop}`;
}

async function startService(configFile: string, base: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, MAIN, 'run', '--config', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`outbox run exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error('outbox run did not answer /healthz within 60 s');
    await sleep(100);
  }
}

/**
 * Commit → webhook received and commit → long poll answered, with the real `outbox run` as a child
 * process on the PostgreSQL server (the CRM and the store in two databases, default settings but
 * for the read rate limit, which a long poller at 1,000 events/s exceeds): a writer commits one
 * new client per transaction at a steady 20/s, then 1,000/s, and a receiver and a long poller on
 * 127.0.0.1 note when each arrives. Before that, the idle cost: statements per second to each
 * database (the service's own outbox_db_statements_total) and the process's CPU.
 */
export async function run(): Promise<void> {
  const databases: TestDatabase[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'outbox-latency-'));
  const polled: Arrivals = new Map();
  const receiver = await startReceiver();
  let child: ChildProcess | undefined;
  let crm: pg.Pool | undefined;
  try {
    const crmDb = await createTestDatabase('postgres');
    databases.push(crmDb);
    const storeDb = await createTestDatabase('postgres');
    databases.push(storeDb);
    const source = await openDatabase(parseDatabaseUrl(crmDb.url), { role: 'bench', connectTimeoutMs: 15000, poolMax: 2 });
    await ensureDemoCrm(source);
    await source.close();
    const store = await openDatabase(parseDatabaseUrl(storeDb.url), { role: 'bench', connectTimeoutMs: 15000, poolMax: 2 });
    await migrate(store, silentLogger());
    const { key } = await createApiKey(store, 'latency bench', ['events:read']);
    await kyselySubscriptionStore(store, { secretOverlapHours: 24 }).create({ url: receiver.url, eventTypes: ['client.created'] });
    await store.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const configFile = path.join(dir, 'config.json');
    const config = {
      store: { url: storeDb.url },
      source: { url: crmDb.url },
      http: { host: '127.0.0.1', port },
      log: { level: 'warn', format: 'text' },
      api: { rateLimits: { read: { perMinute: 600_000, burst: 10_000 } } },
    };
    // OUTBOX_BENCH_LATENCY_CONFIG='{"delivery":{...}}' tries other settings under the same load.
    const overrides = JSON.parse(process.env['OUTBOX_BENCH_LATENCY_CONFIG'] ?? '{}') as Record<string, object>;
    for (const [section, values] of Object.entries(overrides)) {
      (config as Record<string, object>)[section] = { ...(config as Record<string, object>)[section], ...values };
    }
    writeFileSync(configFile, JSON.stringify(config));
    child = await startService(configFile, base);

    // Idle: let the first passes set the watermarks, the polls back off and the start-up's
    // compilation and collection settle (3 s left a start-up tail in the idle CPU), then measure.
    await sleep(10_000);
    const before = await sample(base, child.pid!);
    await sleep(IDLE_SECONDS * 1000);
    const after = await sample(base, child.pid!);
    const lines: string[] = [];
    lines.push(
      `idle (${((after.at - before.at) / 1000).toFixed(0)} s): ${costLine(before, after)} (goal < 2%, <= ~20 statements/s to the CRM)`,
    );

    crm = new pg.Pool({ connectionString: crmDb.url, max: 8 });
    const poller = startLongPoller(base, key, polled);
    await sleep(500);
    for (const { rate, seconds } of PHASES) {
      const attemptsBefore = await attemptTotals(base);
      const busyBefore = await sample(base, child.pid!);
      const { commits, achieved } = await writeSteadily(crm, rate, seconds);
      const busyAfter = await sample(base, child.pid!);
      const [webhooks] = await waitForArrivals(commits, [receiver.arrivals, async () => polled], 30_000);
      const attemptsAfter = await attemptTotals(base);
      const requests = attemptsAfter.count - attemptsBefore.count;
      const requestMs = requests > 0 ? (1000 * (attemptsAfter.seconds - attemptsBefore.seconds)) / requests : 0;
      const hook = latencies(commits, webhooks!);
      const poll = latencies(commits, polled);
      const missing = (n: number) => (n > 0 ? ` (${n} not received)` : '');
      lines.push(`${rate} commits/s (${commits.size.toLocaleString('en-US')} commits, achieved ${achieved.toFixed(0)}/s):`);
      lines.push(`  commit → webhook received:   ${percentiles(hook.values)}${trend(hook.values)}${missing(hook.missing)}`);
      lines.push(`  webhook requests: ${requests.toLocaleString('en-US')}, mean ${requestMs.toFixed(1)} ms from send to answer`);
      lines.push(`  while writing: ${costLine(busyBefore, busyAfter)}`);
      lines.push(`  commit → long poll answered: ${percentiles(poll.values)}${trend(poll.values)}${missing(poll.missing)}`);
      await sleep(1500);
    }
    await poller.stop();
    for (const line of lines) process.stdout.write(`${line}\n`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    await crm?.end();
    await receiver.close();
    for (const database of databases) await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
