import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isTransientDatabaseError } from '../kernel/outage.js';

/** The one error body of every endpoint: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
  };
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(body);
}

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** "body.url", "querystring.limit": where a validation problem is, named the way a caller wrote it. */
function fieldOf(context: string | undefined, issue: AjvIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
  const extra = issue.params?.['additionalProperty'] ?? issue.params?.['missingProperty'];
  const parts = [context ?? 'request', path, typeof extra === 'string' ? extra : ''].filter(Boolean);
  return parts.join('.');
}

function describeValidation(error: FastifyError): ApiError {
  const issues = (error.validation ?? []) as AjvIssue[];
  const details = issues.map((issue) => {
    const field = fieldOf(error.validationContext, issue);
    const message =
      issue.keyword === 'additionalProperties'
        ? 'is not a known field'
        : issue.keyword === 'required'
          ? 'is required'
          : (issue.message ?? 'is invalid');
    return { field, message };
  });
  const first = details[0];
  return new ApiError(400, 'invalid_request', first ? `${first.field} ${first.message}` : 'the request is invalid', details);
}

/** Fastify's own 4xx errors (body parsing, limits, media types) mapped onto our codes. */
function fromFastify(error: FastifyError): ApiError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'the request body is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'invalid_json', 'the body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, 'invalid_json', 'the body is not valid JSON');
    default:
      break;
  }
  if (error instanceof SyntaxError || error.name === 'SyntaxError') return new ApiError(400, 'invalid_json', 'the body is not valid JSON');
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new ApiError(status, 'bad_request', 'the request could not be read');
  return undefined;
}

export function installErrorHandlers(app: FastifyInstance, onUnexpected: (error: unknown, route: string) => void): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    if (error.validation) return sendError(reply, describeValidation(error));
    const known = fromFastify(error);
    if (known) return sendError(reply, known);
    // A store restart or failover is not the service's fault and passes by itself: pollers and
    // integrations retry on 503 with Retry-After, where a 500 would read as a bug (and be logged as one).
    if (isTransientDatabaseError(error)) {
      return sendError(
        reply,
        new ApiError(503, 'store_unavailable', 'the store database is unavailable; retry shortly', undefined, { 'retry-after': '5' }),
      );
    }
    onUnexpected(error, `${request.method} ${request.routeOptions.url ?? request.url}`);
    return sendError(reply, new ApiError(500, 'internal_error', 'the service could not complete the request; see its log'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** The OpenAPI schema of the error body, shared by every route's 4xx/5xx responses. */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
      },
    },
  },
} as const;
