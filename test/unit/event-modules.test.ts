import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KEYED_EVENTS } from '../../src/capture/events/index.js';
import { clients } from '../../src/outbox/crm/sources.js';
import { catalogEntry } from '../../src/outbox/event-catalog/index.js';
import { EVENT_DESCRIPTIONS, EVENT_TYPES, type EventType } from '../../src/outbox/event-types.js';
import { describeEvent, type EventModule, sampleEnvelope } from '../../src/outbox/events/event.js';
import { EVENTS } from '../../src/outbox/events/index.js';

// Issue 14: an event on an existing source is one module in src/outbox/events/ plus its line in
// that folder's index.ts. Everything else (the type list, the catalog, capture's definitions)
// is read from the registry, so no other file names a new event.
const SOURCE_DIR = fileURLToPath(new URL('../../../src/', import.meta.url));
const EVENTS_DIR = `${SOURCE_DIR}outbox/events/`;
/** The folder's files that are not one event each: the registry and the shapes events share. */
const NOT_EVENTS = ['index.ts', 'event.ts', 'rows.ts'];

const isEventModule = (value: unknown): value is EventModule =>
  typeof value === 'object' && value !== null && 'type' in value && 'payloadSchema' in value && 'sample' in value;

async function eventsExportedBy(file: string): Promise<EventModule[]> {
  const exported = (await import(`../../src/outbox/events/${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
  return Object.values(exported).filter(isEventModule);
}

describe('one event, one module', () => {
  it('each event module exports exactly one event, named after its type, and the registry lists each once', async () => {
    const files = readdirSync(EVENTS_DIR).filter((file) => file.endsWith('.ts') && !NOT_EVENTS.includes(file));
    const listed = new Set<EventModule>(EVENTS);
    for (const file of files) {
      const events = await eventsExportedBy(file);
      expect(events, file).to.have.length(1);
      const [event] = events;
      expect(`${event!.type.replace(/[._]/g, '-')}.ts`, file).to.equal(file);
      expect(listed.has(event!), `${event!.type} is in the registry`).to.equal(true);
    }
    expect(files).to.have.length(EVENTS.length);
    expect(new Set(EVENTS.map((event) => event.type)).size).to.equal(EVENTS.length);
  });

  it('takes the type list, descriptions, catalog entry and keyed capture of every type from its module', () => {
    expect(EVENT_TYPES).to.deep.equal(EVENTS.map((event) => event.type));
    for (const event of EVENTS) {
      expect(EVENT_DESCRIPTIONS[event.type]).to.equal(event.summary);
      const entry = catalogEntry(event.type);
      expect(entry.payloadSchema).to.equal(event.payloadSchema);
      expect(entry.sample).to.equal(event.sample);
      expect(entry.source).to.equal(event.source.name);
      const keyed = KEYED_EVENTS.filter((definition) => definition.type === event.type);
      expect(keyed.map((definition) => definition.payload)).to.deep.equal(event.capture === undefined ? [] : [event.capture.payload]);
      if (event.capture !== undefined) expect(keyed[0]!.source).to.equal(event.source);
    }
  });

  it('leaves no per-event files elsewhere: capture/events and outbox/event-catalog hold only shared parts', () => {
    expect(readdirSync(`${SOURCE_DIR}capture/events/`).sort()).to.deep.equal(['definition.ts', 'index.ts']);
    expect(readdirSync(`${SOURCE_DIR}outbox/event-catalog/`).sort()).to.deep.equal([
      'entry.ts',
      'fields.ts',
      'index.ts',
      'schema-files.ts',
    ]);
  });

  // Checked by the compiler (npm run build type-checks test/): each @ts-expect-error must stay an error.
  it('keeps the event type a union of the registered types, and a module typed from its source', () => {
    // @ts-expect-error a type no module registers is not an EventType
    const unknown: EventType = 'lead.deleted';
    const event = describeEvent({
      type: 'client.created',
      domain: 'Client',
      summary: '',
      description: '',
      source: clients,
      payloadSchema: {},
      sample: sampleEnvelope(1, 'client.created', '2026-01-28T08:00:00.000Z', {}, {}),
      capture: {
        createdUtc: () => new Date(0),
        // @ts-expect-error dbo.Client's read does not select DocName (dbo.ClientDoc's column)
        payload: (row) => ({ name: row.DocName }),
      },
    });
    expect([unknown, event.type]).to.deep.equal(['lead.deleted', 'client.created']);
  });
});
