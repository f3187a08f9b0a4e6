import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseTypes } from '../api/subscription-routes.js';
import { hasUnstorableCharacter } from '../db/storable-text.js';
import { storedLengthProblem, SUBSCRIPTION_TEXT_LIMITS } from '../delivery/subscription-limits.js';
import type { Subscription } from '../delivery/subscription-service.js';
import { encodeIdCursor, decodeIdCursor } from '../api/cursor.js';
import { FormError, type FormFields, list, localInput, optionalUtcTime, text } from './form-input.js';
import { pageContext, type PortalDeps, sendPage, sessionOf } from './pages.js';
import {
  DeletePage,
  NewSubscriptionPage,
  RecoverPage,
  SecretPage,
  SubscriptionPage,
  SubscriptionsPage,
  TestResultPage,
  subscriptionName,
} from './views/subscription-pages.js';

const PAGE_SIZE = 50;

/** The API's checks, so the portal accepts exactly what the API accepts; a problem becomes a message. */
async function readSubscriptionForm(deps: PortalDeps, body: FormFields | undefined) {
  const url = text(body, 'url');
  const description = text(body, 'description');
  const types = list(body, 'types');
  const values = { url, eventTypes: types, description };
  if (url === '') return { values, error: 'Endpoint URL: enter the address events are sent to, such as https://hooks.example.com/crm.' };
  // The API's rule (api/text-fields.ts): the store could not keep these characters as sent.
  for (const [label, value] of [
    ['Endpoint URL', url],
    ['Description', description],
  ] as const) {
    if (hasUnstorableCharacter(value)) return { values, error: `${label} must not contain U+0000 (NUL) or a lone UTF-16 surrogate.` };
  }
  if (types.length === 0) return { values, error: 'Event types: pick at least one type, or All events.' };
  let eventTypes: string[];
  try {
    eventTypes = normaliseTypes(types);
  } catch (error) {
    return { values, error: `Event types: ${(error as Error).message}` };
  }
  const verdict = await deps.subscriptions.urlGuard.check(url);
  if (!verdict.ok) return { values, error: `Endpoint URL ${verdict.reason}.` };
  for (const [label, value, max] of [
    ['Endpoint URL', url, SUBSCRIPTION_TEXT_LIMITS.url],
    ['Description', description, SUBSCRIPTION_TEXT_LIMITS.description],
  ] as const) {
    const problem = storedLengthProblem(value, max);
    if (problem) return { values, error: `${label} ${problem}.` };
  }
  return { values, input: { url, eventTypes, description: description === '' ? null : description } };
}

function idParam(request: FastifyRequest): number | undefined {
  const raw = (request.params as { id?: string }).id ?? '';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

export function registerSubscriptionPages(portal: FastifyInstance, deps: PortalDeps): void {
  const { store } = deps.subscriptions;

  /** The subscription in the path, or a 404 page already sent. */
  async function load(request: FastifyRequest, reply: FastifyReply): Promise<Subscription | undefined> {
    const id = idParam(request);
    const found = id === undefined ? undefined : await store.get(id);
    if (!found) reply.callNotFound();
    return found;
  }

  portal.get<{ Querystring: { after?: string } }>('/subscriptions', async (request, reply) => {
    let after: number;
    try {
      after = request.query.after ? decodeIdCursor(request.query.after) : 0;
    } catch {
      // A cursor from an older page or typed by hand: start from the first page.
      after = 0;
    }
    const rows = await store.list(after, PAGE_SIZE + 1);
    const shown = rows.slice(0, PAGE_SIZE);
    const next = rows.length > PAGE_SIZE ? `/admin/subscriptions?after=${encodeIdCursor((shown.at(-1) as Subscription).id)}` : null;
    return sendPage(reply, <SubscriptionsPage page={pageContext(request, 'subscriptions')} rows={shown} next={next} />);
  });

  portal.get('/subscriptions/new', async (request, reply) =>
    sendPage(
      reply,
      <NewSubscriptionPage page={pageContext(request, 'subscriptions')} values={{ url: '', eventTypes: [], description: '' }} />,
    ),
  );

  portal.post<{ Body: FormFields }>('/subscriptions', async (request, reply) => {
    const page = pageContext(request, 'subscriptions');
    const form = await readSubscriptionForm(deps, request.body);
    if (!form.input) return sendPage(reply, <NewSubscriptionPage page={page} values={form.values} error={form.error} />, 400);
    const { subscription, secret } = await store.create({ ...form.input, enabled: true, ownerKeyId: sessionOf(request).apiKeyId });
    deps.logger.info(`admin portal: key ${sessionOf(request).apiKeyId} created subscription ${subscription.id}`, { component: 'admin' });
    return sendPage(reply, <SecretPage page={page} subscription={subscription} secret={secret} rotated={false} />, 201);
  });

  portal.get('/subscriptions/:id', async (request, reply) => {
    const found = await load(request, reply);
    if (found) return sendPage(reply, <SubscriptionPage page={pageContext(request, 'subscriptions')} subscription={found} />);
  });

  portal.post<{ Body: FormFields }>('/subscriptions/:id', async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return;
    const form = await readSubscriptionForm(deps, request.body);
    if (!form.input) {
      const shown = { ...found, url: form.values.url, eventTypes: form.values.eventTypes, description: form.values.description };
      return sendPage(
        reply,
        <SubscriptionPage page={pageContext(request, 'subscriptions')} subscription={shown} error={form.error} />,
        400,
      );
    }
    await store.update(found.id, form.input);
    return reply.code(303).redirect(`/admin/subscriptions/${found.id}?done=saved`);
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    portal.post(`/subscriptions/:id/${action}`, async (request, reply) => {
      const found = await load(request, reply);
      if (!found) return;
      await store.update(found.id, { enabled });
      deps.logger.info(`admin portal: key ${sessionOf(request).apiKeyId} ${action}d subscription ${found.id}`, { component: 'admin' });
      return reply.code(303).redirect(`/admin/subscriptions/${found.id}?done=${action}d`);
    });
  }

  portal.post('/subscriptions/:id/rotate', async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return;
    const rotated = await store.rotateSecret(found.id);
    if (!rotated) return reply.callNotFound();
    deps.logger.info(`admin portal: key ${sessionOf(request).apiKeyId} rotated the secret of subscription ${found.id}`, {
      component: 'admin',
    });
    return sendPage(
      reply,
      <SecretPage
        page={pageContext(request, 'subscriptions')}
        subscription={rotated.subscription}
        secret={rotated.secret}
        rotated={true}
      />,
    );
  });

  portal.post('/subscriptions/:id/test', async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return;
    const result = await deps.subscriptions.sendTestEvent(found);
    return sendPage(reply, <TestResultPage page={pageContext(request, 'subscriptions')} subscription={found} result={result} />);
  });

  portal.get('/subscriptions/:id/delete', async (request, reply) => {
    const found = await load(request, reply);
    if (found) return sendPage(reply, <DeletePage page={pageContext(request, 'subscriptions')} subscription={found} />);
  });

  portal.post<{ Body: FormFields }>('/subscriptions/:id/delete', async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return;
    if (text(request.body, 'confirm') !== String(found.id)) {
      const page = { ...pageContext(request, 'subscriptions'), notice: `Nothing was deleted: type ${found.id} to confirm.` };
      return sendPage(reply, <DeletePage page={page} subscription={found} />, 400);
    }
    await store.delete(found.id);
    deps.logger.info(`admin portal: key ${sessionOf(request).apiKeyId} deleted subscription ${found.id} (${subscriptionName(found)})`, {
      component: 'admin',
    });
    return reply.code(303).redirect('/admin/subscriptions?done=deleted');
  });

  portal.get<{ Querystring: FormFields }>('/subscriptions/:id/recover', async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return;
    const page = pageContext(request, 'subscriptions');
    const defaultSince = localInput(new Date(deps.now() - 24 * 3600_000));
    try {
      const since = optionalUtcTime(request.query, 'since', 'Since');
      if (!since) return sendPage(reply, <RecoverPage page={page} subscription={found} since={defaultSince} />);
      if (!found.enabled) {
        return sendPage(
          reply,
          <RecoverPage
            page={page}
            subscription={found}
            since={localInput(since)}
            error="This subscription is disabled: enable it first, then recover."
          />,
          409,
        );
      }
      const preview = await deps.deliveries.previewRecover(found.id, since);
      if (!preview) return reply.callNotFound();
      return sendPage(
        reply,
        <RecoverPage page={page} subscription={found} since={localInput(since)} preview={{ since: localInput(since), ...preview }} />,
      );
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      return sendPage(reply, <RecoverPage page={page} subscription={found} since={defaultSince} error={error.message} />, 400);
    }
  });

  portal.post<{ Body: FormFields }>('/subscriptions/:id/recover', async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return;
    const page = pageContext(request, 'subscriptions');
    let since: Date | undefined;
    try {
      since = optionalUtcTime(request.body, 'since', 'Since');
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      return sendPage(reply, <RecoverPage page={page} subscription={found} since="" error={error.message} />, 400);
    }
    if (!since)
      return sendPage(reply, <RecoverPage page={page} subscription={found} since="" error="Since: enter a date and time." />, 400);
    try {
      const result = await deps.deliveries.recover(found.id, since);
      deps.logger.info(
        `admin portal: key ${sessionOf(request).apiKeyId} recovered subscription ${found.id} since ${since.toISOString()}: ${result.requeued} re-queued, ${result.fannedOut} events it never had queued`,
        { component: 'admin' },
      );
      return reply.code(303).redirect(`/admin/deliveries?subscription=${found.id}&done=recovered`);
    } catch (error) {
      // A refusal (the subscription was disabled meanwhile) is shown; anything else is a fault.
      const refusal = deps.deliveries.refusal(error);
      if (refusal !== undefined) {
        return sendPage(reply, <RecoverPage page={page} subscription={found} since={localInput(since)} error={refusal} />, 409);
      }
      throw error;
    }
  });
}
