import { randomBytes } from 'node:crypto';
import type { Database } from '../db/connect.js';
import { hashKey } from '../api/api-keys.js';

/** A signed-in portal session: the API key it was opened with and its form token. */
export interface AdminSession {
  apiKeyId: number;
  csrfToken: string;
}

export interface SessionStoreOptions {
  idleMs: number;
  now?: () => number;
}

/** Sessions touched less often than this keep their row unchanged: one write a minute at most. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Portal sessions in integration.AdminSession (migration 0010): every instance sees the same
 * sign-ins, and sign-out or a revoked key ends them everywhere. The cookie holds a random token;
 * only its SHA-256 is stored, so a copy of the table opens nothing.
 */
export class SessionStore {
  readonly #now: () => number;

  constructor(
    private readonly store: Database,
    private readonly options: SessionStoreOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** Opens a session for a verified admin key; answers the cookie's token. */
  async open(apiKeyId: number): Promise<{ token: string; session: AdminSession }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = new Date(this.#now());
    await this.store.db
      .insertInto('integration.AdminSession')
      .values({ SessionHash: hashKey(token), ApiKeyId: apiKeyId, CsrfToken: csrfToken, CreatedUtc: now, LastSeenUtc: now })
      .execute();
    await this.#sweep(now);
    return { token, session: { apiKeyId, csrfToken } };
  }

  /**
   * The live session for a cookie token, its idle clock restarted; undefined when unknown,
   * idle too long, or its key was revoked since.
   */
  async find(token: string): Promise<AdminSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const hash = hashKey(token);
    const row = await this.store.db
      .selectFrom('integration.AdminSession as s')
      .innerJoin('integration.ApiKey as k', 'k.ApiKeyId', 's.ApiKeyId')
      .select(['s.ApiKeyId', 's.CsrfToken', 's.LastSeenUtc', 'k.RevokedUtc', 'k.Scopes'])
      .where('s.SessionHash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = this.#now();
    const lastSeen = new Date(row.LastSeenUtc).getTime();
    const admin = row.Scopes.split(',').includes('admin');
    if (row.RevokedUtc !== null || !admin || now - lastSeen > this.options.idleMs) {
      await this.close(token);
      return undefined;
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) {
      await this.store.db
        .updateTable('integration.AdminSession')
        .set({ LastSeenUtc: new Date(now) })
        .where('SessionHash', '=', hash)
        .execute();
    }
    return { apiKeyId: Number(row.ApiKeyId), csrfToken: row.CsrfToken.trim() };
  }

  async close(token: string): Promise<void> {
    await this.store.db.deleteFrom('integration.AdminSession').where('SessionHash', '=', hashKey(token)).execute();
  }

  /** Deletes sessions idle past the limit, at each sign-in, so the table stays as small as the sign-ins. */
  async #sweep(now: Date): Promise<void> {
    await this.store.db
      .deleteFrom('integration.AdminSession')
      .where('LastSeenUtc', '<', new Date(now.getTime() - this.options.idleMs))
      .execute();
  }
}
