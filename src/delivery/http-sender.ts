import { Agent } from 'undici';
import { storableText } from '../db/storable-text.js';
import { version } from '../version.js';
import {
  BlockedAddressError,
  checkLiteralHost,
  checkUrlShape,
  guardedLookup,
  SSRF_BLOCKED_CODE,
  type AllowedNetworks,
  type DeliveryEnv,
  type LookupAll,
} from './address-guard.js';

/** Characters of a response body kept in the attempt log; the rest is read and thrown away. */
export const RESPONSE_BODY_LIMIT = 4000;
/** Past this many bytes of response the connection is dropped rather than drained for reuse. */
const DRAIN_LIMIT_BYTES = 256 * 1024;

export const USER_AGENT = `crm-outbox/${version} (webhook delivery)`;

/** Why an attempt got no HTTP status, as the attempt log records it. */
export type SendErrorClass = 'timeout' | 'dns' | 'refused' | 'tls' | 'ssrf_blocked' | 'connection' | 'invalid_url' | 'error';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SendResult {
  httpStatus: number | null;
  errorClass: SendErrorClass | null;
  /** A short description for logs and LastError: never the secret, never the request body. */
  error: string | null;
  responseBody: string | null;
  /** The response's Retry-After header, as sent. */
  retryAfter: string | undefined;
  elapsedMs: number;
}

export interface HttpSenderOptions {
  env: DeliveryEnv;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Replaces DNS (tests); every address it returns is still checked in production. */
  lookup?: LookupAll;
  /** delivery.allowedNetworks, parsed: private networks production may reach. */
  allowedNetworks?: AllowedNetworks;
}

/**
 * Sends webhook requests with undici: one keep-alive pool per origin, redirects not followed,
 * the whole exchange bounded by timeoutMs. In production every connection goes to an address
 * the guard checked at connect time (the lookup hands the socket exactly that address).
 */
export class HttpSender {
  readonly #agent: Agent;

  constructor(private readonly options: HttpSenderOptions) {
    this.#agent = new Agent({
      connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup(options.env, options.lookup, options.allowedNetworks) },
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(request: SendRequest): Promise<SendResult> {
    return this.#exchange('POST', request.url, { 'content-type': 'application/json', ...request.headers }, request.body);
  }

  /**
   * A HEAD request through the same guard and pool (`outbox doctor`): whether the endpoint
   * answers, without sending it anything to act on.
   */
  async probe(url: string): Promise<SendResult> {
    return this.#exchange('HEAD', url, {}, undefined);
  }

  async #exchange(method: 'POST' | 'HEAD', target: string, headers: Record<string, string>, body: string | undefined): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // The shape alone here; addresses are the guard's below, so they are logged as ssrf_blocked.
    const shape = checkUrlShape(target, 'development');
    if (!shape.ok) return failure('invalid_url', `URL ${shape.reason}`, elapsed());
    const url = shape.url;
    if (this.options.env === 'production' && url.protocol !== 'https:')
      return failure('invalid_url', 'URL must use https in production', elapsed());
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      // The lookup is not called for an IP literal, so a literal is checked here.
      checkLiteralHost(url.hostname, this.options.env, this.options.allowedNetworks);
      const response = await this.#agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: { 'user-agent': USER_AGENT, ...headers },
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
      });
      const responseBody = await readLimited(response.body);
      const retryAfter = response.headers['retry-after'];
      return {
        httpStatus: response.statusCode,
        errorClass: null,
        error: response.statusCode >= 200 && response.statusCode < 300 ? null : `HTTP ${response.statusCode}`,
        responseBody,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        elapsedMs: elapsed(),
      };
    } catch (error) {
      const errorClass = controller.signal.aborted ? 'timeout' : classifySendError(error);
      return failure(errorClass, describeSendError(errorClass, error, this.options.timeoutMs), elapsed());
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** Drops open connections at once (shutdown after its grace period). */
  async destroy(): Promise<void> {
    await this.#agent.destroy();
  }
}

function failure(errorClass: SendErrorClass, error: string, elapsedMs: number): SendResult {
  return { httpStatus: null, errorClass, error, responseBody: null, retryAfter: undefined, elapsedMs };
}

/**
 * The first RESPONSE_BODY_LIMIT characters, as text the store can keep (invalid UTF-8, as from a
 * gzip bomb, decodes to U+FFFD); the rest is drained so the connection can be reused.
 */
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (text.length < RESPONSE_BODY_LIMIT) text += decoder.decode(chunk, { stream: true });
    if (bytes > DRAIN_LIMIT_BYTES) {
      body.destroy();
      break;
    }
  }
  if (text.length < RESPONSE_BODY_LIMIT) text += decoder.decode();
  return storableText(text, RESPONSE_BODY_LIMIT);
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

export function classifySendError(error: unknown): SendErrorClass {
  if (error instanceof BlockedAddressError) return error.errorClass;
  const code = errorCode(error);
  if (code === SSRF_BLOCKED_CODE) return 'ssrf_blocked';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT')
    return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NODATA') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code && TLS_CODES.test(code)) return 'tls';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return 'connection';
  return 'error';
}

/** The error's code, looking through undici's wrappers to the socket's own error. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR') return code;
    const cause = (current as { cause?: unknown }).cause;
    if (!cause) return typeof code === 'string' ? code : undefined;
    current = cause;
  }
  return undefined;
}

function describeSendError(errorClass: SendErrorClass, error: unknown, timeoutMs: number): string {
  if (errorClass === 'timeout') return `no complete response within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  return `${errorClass}: ${message}`.slice(0, 200);
}
