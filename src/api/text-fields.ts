import { hasUnstorableCharacter } from '../db/storable-text.js';
import { storedLengthProblem } from '../delivery/subscription-limits.js';
import { ApiError } from './errors.js';

/**
 * Refuses a text field the store could not keep as sent: PostgreSQL refuses U+0000 (a 500
 * otherwise), and a lone UTF-16 surrogate would be stored as U+FFFD, silently not what was sent.
 */
export function refuseUnstorableText(field: string, value: string | null | undefined): void {
  if (value === null || value === undefined || !hasUnstorableCharacter(value)) return;
  throw new ApiError(400, 'invalid_request', `${field} must not contain U+0000 (NUL) or a lone UTF-16 surrogate`, {
    field,
    expected: 'text without NUL characters or unpaired surrogates',
  });
}

/** Refuses a text longer than its column holds, counted as the store counts (UTF-16 units). */
export function refuseLongerThanStored(field: string, value: string | null | undefined, maxUnits: number): void {
  const problem = value === null || value === undefined ? null : storedLengthProblem(value, maxUnits);
  if (!problem) return;
  throw new ApiError(400, 'invalid_request', `${field} ${problem}`, {
    field,
    expected: `at most ${maxUnits} UTF-16 code units`,
  });
}
