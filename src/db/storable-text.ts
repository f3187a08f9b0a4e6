/**
 * Text every store engine accepts. PostgreSQL (and Babelfish, which stores through it) refuses
 * U+0000 in text and cannot encode a lone UTF-16 surrogate, and its JSON input refuses both as
 * escapes, so one such character in a batch's JSON fails the whole statement. Both become
 * U+FFFD, the replacement character a decoder uses for bytes it cannot read.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is the very character to find
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const REPLACEMENT_CHARACTER = '\uFFFD';

/** Whether the text holds a character no store engine can keep as it is. */
export function hasUnstorableCharacter(text: string): boolean {
  return new RegExp(UNSTORABLE.source).test(text);
}

/**
 * The text with unstorable characters replaced, cut to at most `maxLength` UTF-16 units (the
 * unit of nvarchar lengths; never more code points than varchar allows) without splitting a
 * surrogate pair.
 */
export function storableText(text: string, maxLength: number): string {
  let cut = text.length > maxLength ? text.slice(0, maxLength) : text;
  // A pair cut in half would leave its high half alone: drop it rather than store U+FFFD.
  if (cut.length < text.length && /[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}
