import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listAttempts } from '../delivery/delivery-log.js';
import type { DeliveryStatus } from '../db/store-tables.js';
import { isEventType } from '../outbox/event-types.js';
import { FormError, type FormFields, optionalHttpStatus, optionalId, optionalUtcTime, text } from './form-input.js';
import { type DeliveryFilter, type EventFilter, eventsByTime, pageDeliveries, pageEvents, readDelivery, readEvent } from './log-queries.js';
import { pageContext, type PortalDeps, sendPage, sessionOf } from './pages.js';
import { DeliveriesPage, DeliveryPage, EventPage, EventsPage, OUTCOMES, type Paging } from './views/log-pages.js';

const PAGE_SIZE = 50;

/** The list's address with the same filters and the next page (below the last row shown). */
function pageLinks(request: FastifyRequest, base: string, last: { id: number; createdUtc?: Date } | null): Paging {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query as Record<string, unknown>)) {
    if (typeof value === 'string' && value !== '' && !['before', 'beforeTime', 'done'].includes(name)) query.set(name, value);
  }
  const first = (request.query as FormFields)['before'] ? `${base}?${query}` : null;
  if (last === null) return { next: null, first };
  query.set('before', String(last.id));
  if (last.createdUtc) query.set('beforeTime', last.createdUtc.toISOString());
  return { next: `${base}?${query}`, first };
}

/** The CreatedUtc part of a time-ordered page's cursor: an ISO time this portal wrote. */
function beforeTimeOf(query: FormFields): Date | undefined {
  const value = text(query, 'beforeTime');
  if (value === '') return undefined;
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new FormError('The page link is damaged: open the list again from its first page.');
  return at;
}

function readEventFilter(query: FormFields): EventFilter {
  const type = text(query, 'type').toLowerCase();
  if (type !== '' && !isEventType(type)) throw new FormError(`Type must be one of the catalog's event types, got “${type}”.`);
  const id = optionalId(query, 'id', 'Event id');
  const from = optionalUtcTime(query, 'from', 'From');
  const to = optionalUtcTime(query, 'to', 'Before');
  const beforeId = optionalId(query, 'before', 'The page');
  const beforeTime = beforeTimeOf(query);
  return {
    ...(beforeTime === undefined ? {} : { beforeTime }),
    ...(type === '' ? {} : { type }),
    ...(id === undefined ? {} : { id }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(beforeId === undefined ? {} : { beforeId }),
  };
}

function readDeliveryFilter(query: FormFields): DeliveryFilter {
  const outcome = text(query, 'outcome');
  if (outcome !== '' && !(OUTCOMES as readonly string[]).includes(outcome)) {
    throw new FormError(`Outcome must be one of ${OUTCOMES.join(', ')}, got “${outcome}”.`);
  }
  const subscriptionId = optionalId(query, 'subscription', 'Subscription id');
  const httpStatus = optionalHttpStatus(query, 'status', 'HTTP status');
  const from = optionalUtcTime(query, 'from', 'From');
  const to = optionalUtcTime(query, 'to', 'Before');
  const beforeId = optionalId(query, 'before', 'The page');
  return {
    ...(outcome === '' ? {} : { status: outcome as DeliveryStatus }),
    ...(subscriptionId === undefined ? {} : { subscriptionId }),
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(beforeId === undefined ? {} : { beforeId }),
  };
}

function idParam(request: FastifyRequest): number | undefined {
  const raw = (request.params as { id?: string }).id ?? '';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

export function registerLogPages(portal: FastifyInstance, deps: PortalDeps): void {
  portal.get<{ Querystring: FormFields }>('/events', async (request, reply) => {
    const page = pageContext(request, 'events');
    const values = {
      type: text(request.query, 'type'),
      id: text(request.query, 'id'),
      from: text(request.query, 'from'),
      to: text(request.query, 'to'),
    };
    let filter: EventFilter;
    try {
      filter = readEventFilter(request.query);
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      return sendPage(
        reply,
        <EventsPage page={page} filter={values} rows={[]} paging={{ next: null, first: null }} error={error.message} />,
        400,
      );
    }
    const result = await pageEvents(deps.store, filter, PAGE_SIZE);
    const last = result.last && (eventsByTime(filter) ? result.last : { id: result.last.id });
    return sendPage(
      reply,
      <EventsPage page={page} filter={values} rows={result.rows} paging={pageLinks(request, '/admin/events', last)} />,
    );
  });

  portal.get('/events/:id', async (request, reply) => {
    const id = idParam(request);
    const event = id === undefined ? undefined : await readEvent(deps.store, id);
    if (id === undefined || !event) return reply.callNotFound();
    const deliveries = await pageDeliveries(deps.store, { eventId: id }, 200);
    return sendPage(
      reply,
      <EventPage page={pageContext(request, 'events')} id={id} type={event.type} body={event.body} deliveries={deliveries.rows} />,
    );
  });

  portal.get<{ Querystring: FormFields }>('/deliveries', async (request, reply) => {
    const page = pageContext(request, 'deliveries');
    const values = {
      subscription: text(request.query, 'subscription'),
      outcome: text(request.query, 'outcome'),
      status: text(request.query, 'status'),
      from: text(request.query, 'from'),
      to: text(request.query, 'to'),
    };
    let filter: DeliveryFilter;
    try {
      filter = readDeliveryFilter(request.query);
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      return sendPage(
        reply,
        <DeliveriesPage page={page} filter={values} rows={[]} paging={{ next: null, first: null }} error={error.message} />,
        400,
      );
    }
    const result = await pageDeliveries(deps.store, filter, PAGE_SIZE);
    return sendPage(
      reply,
      <DeliveriesPage
        page={page}
        filter={values}
        rows={result.rows}
        paging={pageLinks(request, '/admin/deliveries', result.last && { id: result.last.id })}
      />,
    );
  });

  portal.get('/deliveries/:id', async (request, reply) => {
    const id = idParam(request);
    const delivery = id === undefined ? undefined : await readDelivery(deps.store, id);
    if (!delivery) return reply.callNotFound();
    const attempts = await listAttempts(deps.store, delivery.id);
    return sendPage(reply, <DeliveryPage page={pageContext(request, 'deliveries')} delivery={delivery} attempts={attempts} />);
  });

  portal.post('/deliveries/:id/resend', async (request, reply) => {
    const id = idParam(request);
    let resent: boolean;
    try {
      resent = id !== undefined && (await deps.deliveries.resend(id));
    } catch (error) {
      if (deps.deliveries.refusal(error) === undefined) throw error;
      return reply.code(303).redirect(`/admin/deliveries/${id}?done=resend-refused`);
    }
    if (!resent) return reply.callNotFound();
    deps.logger.info(`admin portal: key ${sessionOf(request).apiKeyId} resent delivery ${id}`, { component: 'admin' });
    return reply.code(303).redirect(`/admin/deliveries/${id}?done=resent`);
  });
}
