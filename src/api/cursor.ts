import type { OutboxPosition } from '../db/ports/api.js';
import { ApiError } from './errors.js';

/**
 * Cursors are opaque to callers: base64url of a small JSON object. Pollers store them and send
 * them back; what is inside may change between releases as long as old ones still decode.
 */
export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decode(cursor: string): Record<string, unknown> {
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new Error('not base64url');
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw badCursor();
  }
}

function badCursor(): ApiError {
  return new ApiError(400, 'invalid_cursor', 'cursor is not one this API returned; start again without a cursor', {
    field: 'querystring.cursor',
  });
}

export function encodeEventCursor(position: OutboxPosition): string {
  return encodeCursor({ k: position.key, e: position.eventId });
}

export function decodeEventCursor(cursor: string, isValidKey: (key: string) => boolean): OutboxPosition {
  const value = decode(cursor);
  const key = value['k'];
  const eventId = value['e'];
  if (!(key === null || (typeof key === 'string' && isValidKey(key)))) throw badCursor();
  if (typeof eventId !== 'number' || !Number.isSafeInteger(eventId) || eventId < 0) throw badCursor();
  return { key, eventId };
}

/** Lists ordered by a numeric id (subscriptions, deliveries): the last id seen. */
export function encodeIdCursor(id: number): string {
  return encodeCursor({ id });
}

export function decodeIdCursor(cursor: string): number {
  const id = decode(cursor)['id'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw badCursor();
  return id;
}
