import { createHmac, randomBytes } from 'node:crypto';

/*
 * Webhook signatures. Standard Webhooks (https://www.standardwebhooks.com/): the secret is
 * `whsec_` + base64 of the key bytes, and `webhook-signature` carries `v1,` + base64 of
 * HMAC-SHA256(key, `${id}.${timestamp}.${body}`), one space-separated entry per valid secret. Tools
 * that can only hash the body (n8n, Make) get `X-Webhook-Signature: sha256=<hex HMAC of the body>`
 * with the same key bytes.
 */

const PREFIX = 'whsec_';
/** Below this a key is too easy to guess; the Standard Webhooks libraries generate 24 to 64. */
export const MIN_SECRET_BYTES = 24;
const GENERATED_SECRET_BYTES = 32;

export class SecretFormatError extends Error {}

export function generateSecret(): string {
  return `${PREFIX}${randomBytes(GENERATED_SECRET_BYTES).toString('base64')}`;
}

/** The key bytes of a secret; throws SecretFormatError naming what is expected. */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new SecretFormatError(`must start with "${PREFIX}"`);
  const encoded = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new SecretFormatError(`must be "${PREFIX}" followed by standard base64`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES) {
    throw new SecretFormatError(`must hold at least ${MIN_SECRET_BYTES} random bytes (${key.length} given)`);
  }
  return key;
}

/** Null when the secret is usable, else what is wrong with it. */
export function secretProblem(secret: string): string | null {
  try {
    secretKey(secret);
    return null;
  } catch (error) {
    if (error instanceof SecretFormatError) return error.message;
    throw error;
  }
}

export function standardSignature(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

export function bodySignature(key: Buffer, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

export interface SigningSecrets {
  current: Buffer;
  /** The secret before a rotation, while its overlap window lasts. */
  previous?: Buffer | undefined;
}

/** What one webhook request says about itself besides its body. */
export interface WebhookRequestFacts {
  /** `webhook-id`: the same on every retry of a delivery. */
  id: string;
  sentAt: Date;
  body: string;
  type: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/** Every header a webhook request carries but Content-Type and User-Agent (the sender's). */
export function webhookHeaders(secrets: SigningSecrets, request: WebhookRequestFacts): Record<string, string> {
  return {
    ...signatureHeaders(secrets, request.id, Math.floor(request.sentAt.getTime() / 1000), request.body),
    'x-webhook-event': request.type,
    'x-webhook-attempt': String(request.attempt),
  };
}

/** The signature headers of one request; `id` is the same on every retry of a delivery. */
export function signatureHeaders(secrets: SigningSecrets, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const signatures = [standardSignature(secrets.current, id, timestampSeconds, body)];
  if (secrets.previous) signatures.push(standardSignature(secrets.previous, id, timestampSeconds, body));
  const headers: Record<string, string> = {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
    'x-webhook-signature': bodySignature(secrets.current, body),
  };
  // A body-only verifier compares one value: it gets the new key's, and the old one beside it.
  if (secrets.previous) headers['x-webhook-signature-previous'] = bodySignature(secrets.previous, body);
  return headers;
}
