import type { ExpressionBuilder } from 'kysely';
import type { Tables } from '../db/tables.js';

/** The metadata every backfilled event carries: history replayed, not a change seen live. */
export const BACKFILL_METADATA = { backfill: true } as const;

/**
 * Events written by live capture, not by a backfill: their createdUtc is recent, so only they
 * measure capture lag. Metadata is JSON text the service wrote with JSON.stringify, so LIKE finds
 * the marker on every dialect; Babelfish's OPENJSON hands the object back with a space after
 * the colon.
 */
export const isLiveCapture = (eb: ExpressionBuilder<Tables, 'integration.OutboxEvent'>) =>
  eb.and([eb('Metadata', 'not like', '%"backfill":true%'), eb('Metadata', 'not like', '%"backfill": true%')]);
