import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../../dialect.js';

/** The channel capture notifies after committing work; every instance's bridge listens on it. */
const CHANNEL = 'outbox_work';

/** Tells every listening session that work was committed; the payload names the sender. */
export async function notifyWork(db: Db, sender: string): Promise<void> {
  await sql`SELECT pg_notify(${CHANNEL}, ${sender})`.execute(db);
}

export interface WorkListener {
  close(): Promise<void>;
}

/**
 * A session of its own (never a pooled one: LISTEN belongs to the session) that hears other
 * instances' notifications. Resolves once listening; onLost is called when the session ends, so
 * the caller can reconnect and look for work it may have missed meanwhile.
 */
export async function listenForWork(
  connectionString: string,
  options: { connectTimeoutMs: number; onWork: (sender: string) => void; onLost: (error: Error) => void },
): Promise<WorkListener> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: 'crm-outbox listen',
  });
  let closing = false;
  const lost = (error: Error) => {
    if (closing) return;
    closing = true;
    client.end().catch(() => undefined);
    options.onLost(error);
  };
  client.on('notification', (message) => options.onWork(message.payload ?? ''));
  client.on('error', lost);
  client.on('end', () => lost(new Error('the listening connection ended')));
  try {
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
  } catch (error) {
    closing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    close: async () => {
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}
