import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { SERVER_ENGINES, useChaosRun } from './support/engines.js';
import type { TestDialect } from '../support/databases.js';
import { ChaosReceiver } from './support/chaos-receiver.js';
import { CrmWriter, type RowText, sleep } from './support/crm-writer.js';
import { scaled } from './support/scale.js';

/** Short hostile values: they fit the CRM's 100-character name columns. */
const SHORT = [
  `O'Brien "the \\"quote\\"" \`tick\``,
  '</script><script>alert(1)</script>',
  '<!-- --> ]]> {{constructor}} ${x}',
  '\u202Eevil\u202C \u200F\u200E mixed עברית العربية',
  'ctrl \u0001\u0007\u001b[31m\u007f\u0085 end',
  'line\u2028sep\u2029para\r\n\ttab',
  'emoji 😀👨‍👩‍👧‍👦🏳️‍🌈 é e\u0301 ﷽',
  '\\u0000 \\ backslash \\\\ "',
];

/**
 * 400 characters ending in an emoji: the most a 400-character column holds. PostgreSQL counts
 * code points (the emoji is the 400th, its second UTF-16 unit the 401st); SQL Server's nvarchar
 * counts UTF-16 units, so there the emoji takes the 399th and 400th (401 units are refused).
 */
const emojiAt400 = (dialect: TestDialect): string => `${'d'.repeat(dialect === 'mssql' ? 398 : 399)}😀`;

/** Long values: 4,000 characters with an emoji across the 4,000th, and more. */
const LONG = [
  `${'x'.repeat(3999)}😀${'y'.repeat(10)}`,
  `${'é'.repeat(3998)}😀😀`,
  `${'<script>'.repeat(600)}`,
  `${'\u202E'.repeat(100)}${'a'.repeat(4500)}`,
];

/** The hostile text one run writes, remembering each value it put into a row (a change that found no captured client writes none). */
function hostileText(dialect: TestDialect): { text: RowText; used: Set<string> } {
  const used = new Set<string>();
  const record = (value: string): string => (used.add(value), value);
  const text: RowText = {
    firstName: (n) => record(SHORT[n % SHORT.length]!.slice(0, 100)),
    lastName: (n) => record(SHORT[(n + 3) % SHORT.length]!.slice(0, 100)),
    statusNote: (n) => record(LONG[n % LONG.length]!),
    // Description is 400 characters: the emoji ends it.
    description: (n) => record(n % 2 === 0 ? emojiAt400(dialect) : SHORT[n % SHORT.length]!),
    docName: (n) => record(SHORT[(n + 1) % SHORT.length]!),
    failureReason: (n) => record(SHORT[(n + 2) % SHORT.length]!),
    nameSigned: (n) => record(SHORT[(n + 5) % SHORT.length]!),
  };
  return { text, used };
}

/** Every string anywhere in a JSON value. */
function strings(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, into));
  return into;
}

for (const dialect of SERVER_ENGINES) {
  describe(`chaos 6: hostile content in source rows [${dialect}]`, function () {
    this.timeout(scaled(180_000, 600_000));
    const world = useChaosRun(dialect);

    it('arrives as valid, verifiable JSON and the events API returns the same content', async () => {
      const run = world();
      const service = await run.addService();
      await service.start();
      const receiver = await new ChaosReceiver('hostile').start();
      receiver.keepRequests = true;
      const subscription = await run.subscribe(receiver, ['*']);
      await run.captureStarted();
      const { text, used } = hostileText(dialect);
      const writer = new CrmWriter(run.store, run.store, text);
      await writer.run(scaled(110, 2_000), { lanes: 2 });
      // A status change needs a client the service has captured; on a slow start the first changes
      // find none. Go on until the boundary values have really been written (bounded).
      const boundaryWritten = () => used.has(emojiAt400(dialect)) && LONG.some((value) => used.has(value));
      for (let extra = 0; !boundaryWritten() && extra < 2_000; extra++) {
        await writer.change();
        if (extra % 11 === 10) await sleep(100);
      }

      const deadline = Date.now() + 120_000;
      // Wait for capture to take every change the writer made (the last ones may still be in flight),
      // then for every captured event to be delivered.
      const settled = async (): Promise<boolean> => {
        const outbox = await run.outboxEvents();
        const captured = new Set(outbox.map((e) => `${e.EventType}|${e.SourceKey}`));
        if (!writer.expected.every((e) => captured.has(`${e.type}|${e.sourceKey}`))) return false;
        return new Set(receiver.kept.map((k) => k.headers['webhook-id'])).size >= outbox.length;
      };
      while (!(await settled()) && Date.now() < deadline) await sleep(200);
      const events = await run.outboxEvents();
      expect(events.length).to.be.above(0);
      const webhook = new Webhook(subscription.secret);
      const delivered = new Map<string, unknown>();
      for (const request of receiver.kept) {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
        // Throws when the signature does not match the exact bytes received.
        const envelope = webhook.verify(request.body, headers) as { id: number | string };
        expect(JSON.parse(request.body)).to.deep.equal(envelope);
        delivered.set(String(envelope.id), envelope);
      }
      expect([...delivered.keys()].sort(), 'every event delivered').to.deep.equal(events.map((e) => e.EventId).sort());

      const seen = new Set<string>();
      for (const [id, envelope] of delivered) {
        const response = await fetch(`${service.url}/api/v1/events/${id}`, { headers: { authorization: `Bearer ${run.apiKey}` } });
        expect(response.status).to.equal(200);
        expect(await response.json(), `event ${id} from the API`).to.deep.equal(envelope);
        strings(envelope, seen);
      }
      // Every hostile value written comes through unchanged: names, the 4,000-character notes, the 400th-character emoji.
      expect(boundaryWritten(), 'the boundary cases were written').to.equal(true);
      for (const value of used) expect(seen.has(value), JSON.stringify(value.slice(0, 60))).to.equal(true);
      console.log(`      hostile content: ${events.length} events, ${receiver.kept.length} requests verified with standardwebhooks`);
    });
  });
}
