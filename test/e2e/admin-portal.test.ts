import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createApiKey } from '../../src/api/api-keys.js';
import type { HttpServer } from '../../src/api/server.js';
import { validateConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/logging/logger.js';
import { buildComponents } from '../../src/service/components.js';
import type { ServiceContext } from '../../src/kernel/context.js';
import { Service } from '../../src/kernel/service.js';
import { openBrowser, screenshot, seriousAxeViolations, type TestBrowser, until } from '../support/browser.js';
import { describeEachDialect } from '../support/databases.js';
import { Receiver } from '../support/receiver.js';

const XSS_NAME = '<img src=x onerror="document.title=\'pwned-name\'">';
const XSS_BODY = "<script>document.title='pwned-body'</script>";

describeEachDialect(
  'admin portal in a real Chromium',
  (suite) => {
    let service: Service;
    let base = '';
    let browser: TestBrowser;
    let page: Page;
    let receiver: Receiver;
    let adminKey = '';
    let subscriptionId = 0;
    let firstSecret = '';
    const shot = (name: string) => screenshot(page, `${suite.dialect}-${name}`);

    /** axe-core on the page as it is now: no serious or critical violation, then a screenshot. */
    async function checkScreen(name: string): Promise<void> {
      const violations = await seriousAxeViolations(page);
      expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
      await shot(name);
    }

    /** Nothing the database or a receiver sent ever ran as script or became markup. */
    async function expectNoInjection(): Promise<void> {
      expect(await page.title()).not.to.match(/pwned/);
      expect(await page.locator('main img').count()).to.equal(0);
    }

    async function insertClient(first: string): Promise<void> {
      await suite.db.dialect.insertReturningId(
        suite.db.db,
        'dbo.Client',
        {
          FirstName: first,
          LastName: 'Tester',
          Email: 'x@example.com',
          Phone: '+14155550000',
          StatusID: 42,
          EmployeeID: 7,
          AffiliateID: null,
          LeadSource: 'referral',
          CreatedDate: new Date().toISOString().slice(0, 19).replace('T', ' '),
        },
        'ClientID',
      );
    }

    before(async function () {
      this.timeout(120_000);
      receiver = await Receiver.start();
      const config = validateConfig({
        store: { url: suite.url },
        http: { port: 0 },
        capture: { pollIntervalMs: 100 },
        // No retries: a failed attempt is a failed delivery at once.
        delivery: { pollIntervalMs: 100, retrySchedule: [] },
        retention: { enabled: false },
        api: { rateLimits: { admin: { perMinute: 6000, burst: 1000 } } },
      });
      const ctx: ServiceContext = { config, logger: silentLogger(), store: suite.db, source: suite.db };
      const components = buildComponents(ctx, { demo: false });
      service = new Service(ctx, components, async () => undefined);
      await service.start();
      base = (components.find((c) => c.name === 'http') as HttpServer).address as string;
      adminKey = (await createApiKey(suite.db, 'portal admin', ['admin'])).key;
      browser = await openBrowser();
      page = browser.page;
      page.setDefaultTimeout(10_000);
    });

    after(async function () {
      this.timeout(60_000);
      await browser?.close();
      await service?.stop();
      await receiver?.close();
    });

    it('sends a visitor without a session to sign in, and refuses a wrong key with a clear message', async () => {
      await page.goto(`${base}/admin`);
      expect(new URL(page.url()).pathname).to.equal('/admin/login');
      await checkScreen('sign-in');
      await page.getByLabel('API key with the admin scope').fill(`obx_${'x'.repeat(44)}`);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/admin/login')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      expect(answer.status()).to.equal(401);
      expect(await page.getByRole('alert').textContent()).to.contain('not valid or was revoked');
      const readOnly = (await createApiKey(suite.db, 'reader', ['events:read'])).key;
      await page.getByLabel('API key with the admin scope').fill(readOnly);
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await page.getByRole('alert').textContent()).to.contain('does not have the admin scope');
      await checkScreen('sign-in-wrong-key');
    });

    it('signs in with an admin key: an HttpOnly SameSite=Strict session cookie, the key nowhere in the browser', async () => {
      await page.getByLabel('API key with the admin scope').fill(adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/admin`);
      const cookies = await browser.context.cookies();
      expect(cookies).to.have.length(1);
      const [session] = cookies;
      expect(session?.httpOnly).to.equal(true);
      expect(session?.sameSite).to.equal('Strict');
      expect(session?.value).not.to.contain(adminKey.slice(4, 20));
      expect(page.url()).not.to.contain(adminKey);
      expect(await page.content()).not.to.contain(adminKey);
      const stored = await page.evaluate(
        () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
      );
      expect(stored).not.to.contain(adminKey);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Overview');
      await checkScreen('overview-empty');
    });

    it('works from the keyboard: the skip link first, then the sections in order, with a visible focus', async () => {
      await page.goto(`${base}/admin`);
      const focused = async () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? '');
      await page.keyboard.press('Tab');
      expect(await focused()).to.equal('Skip to content');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
      expect(outline).to.equal('solid');
      const order: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        await page.keyboard.press('Tab');
        order.push(await focused());
      }
      expect(order).to.deep.equal(['crm-outbox admin', 'Overview', 'Subscriptions', 'Events', 'Delivery log']);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/admin/deliveries`);
    });

    it('creates a subscription to a local receiver and shows its secret once, with a copy button', async () => {
      await page.getByRole('link', { name: 'Subscriptions' }).click();
      await checkScreen('subscriptions-empty');
      await page.getByRole('link', { name: 'New subscription' }).click();
      await page.getByLabel('Endpoint URL').fill(`${receiver.url}/hook`);
      await page.getByLabel(/^client\.created/).check();
      await page.getByLabel('Description').fill('Receiver <b>test</b>');
      await checkScreen('subscription-new');
      await page.getByRole('button', { name: 'Create subscription' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Subscription created');
      firstSecret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
      expect(firstSecret).to.match(/^whsec_/);
      expect(await page.getByRole('button', { name: 'Copy' }).isVisible()).to.equal(true);
      await checkScreen('subscription-secret');
      const row = await suite.db.db
        .selectFrom('integration.WebhookSubscription')
        .select(['SubscriptionId', 'Url', 'EventTypes', 'Description'])
        .executeTakeFirstOrThrow();
      expect(row).to.include({ Url: `${receiver.url}/hook`, EventTypes: 'client.created', Description: 'Receiver <b>test</b>' });
      subscriptionId = Number(row.SubscriptionId);
      await page.getByRole('link', { name: 'Done: open the subscription' }).click();
      expect(await page.locator('main b').count()).to.equal(0);
      await checkScreen('subscription-detail');
    });

    it('shows a captured event arriving in the delivery log with its attempt, the receiver answer and the CRM name as text', async () => {
      receiver.reply = () => ({ status: 200, body: XSS_BODY, headers: { 'content-type': 'text/html' } });
      await insertClient(XSS_NAME);
      await until('the delivery succeeded', async () => {
        await page.goto(`${base}/admin/deliveries?subscription=${subscriptionId}`);
        return (await page.locator('tbody .badge', { hasText: 'succeeded' }).count()) === 1;
      });
      await checkScreen('delivery-log');
      await page.locator('tbody a').first().click();
      expect(await page.getByRole('heading', { name: /Attempt 1: HTTP 200/ }).isVisible()).to.equal(true);
      expect(await page.locator('pre.code').first().textContent()).to.equal(XSS_BODY);
      await expectNoInjection();
      await checkScreen('delivery-detail');
      await page.locator('main dd a').first().click();
      const envelope = await page.locator('pre.code').first().textContent();
      expect(JSON.parse(envelope ?? '')).to.nested.include({ 'payload.first_name': XSS_NAME, type: 'client.created' });
      await expectNoInjection();
      await checkScreen('event-detail');
      await page.getByRole('link', { name: 'Events' }).click();
      expect(await page.locator('tbody tr').count()).to.equal(1);
      await checkScreen('events');
    });

    it('resends a delivery and shows why the second attempt failed', async () => {
      receiver.reply = () => ({ status: 500, body: 'database is down' });
      await page.goto(`${base}/admin/deliveries?subscription=${subscriptionId}`);
      await page.locator('tbody a').first().click();
      const deliveryUrl = page.url();
      await page.getByRole('button', { name: 'Resend now' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('Delivery queued');
      await until('the resent delivery failed', async () => {
        await page.goto(deliveryUrl);
        const attempted = (await page.getByRole('heading', { name: /Attempt 2: HTTP 500/ }).count()) === 1;
        return attempted && (await page.locator('main .badge').first().textContent()) === 'failed';
      });
      expect(await page.locator('main .badge').first().textContent()).to.equal('failed');
      expect(await page.locator('pre.code').last().textContent()).to.equal('database is down');
      await checkScreen('delivery-failed');
      await page.goto(`${base}/admin/deliveries?subscription=${subscriptionId}&outcome=failed&status=500`);
      expect(await page.locator('tbody tr').count()).to.equal(1);
      await page.goto(`${base}/admin`);
      expect(await page.locator('main').textContent()).to.contain('Subscriptions needing attention');
      expect(await page.getByRole('region', { name: 'Subscriptions needing attention' }).textContent()).to.contain(`#${subscriptionId}`);
      await checkScreen('overview');
    });

    it('disables and enables the subscription', async () => {
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}`);
      await page.getByRole('button', { name: 'Disable' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('Subscription disabled');
      const row = await suite.db.db.selectFrom('integration.WebhookSubscription').select('Enabled').executeTakeFirstOrThrow();
      expect(Boolean(row.Enabled)).to.equal(false);
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}/recover`);
      await page.getByRole('button', { name: 'Count what would be re-queued' }).click();
      expect(await page.getByRole('alert').textContent()).to.contain('enable it first');
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}`);
      await page.getByRole('button', { name: 'Enable' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('Subscription enabled');
    });

    it('recovers the failures since a time, showing the count before confirming', async () => {
      receiver.reply = () => ({ status: 200, body: 'ok' });
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}`);
      await page.getByRole('link', { name: 'Recover failures…' }).click();
      await page.getByRole('button', { name: 'Count what would be re-queued' }).click();
      expect(await page.locator('#recover-count').textContent()).to.equal('1');
      await checkScreen('subscription-recover');
      const before = receiver.requests.length;
      await page.getByRole('button', { name: 'Re-queue 1 delivery' }).click();
      expect(await page.getByRole('status').textContent()).to.contain('re-queued');
      await until('the recovered delivery succeeded', async () => {
        await page.goto(`${base}/admin/deliveries?subscription=${subscriptionId}&outcome=succeeded`);
        return (await page.locator('tbody tr').count()) === 1;
      });
      expect(receiver.requests.length).to.equal(before + 1);
    });

    it('sends a test event and shows the endpoint answer', async () => {
      receiver.reply = () => ({ status: 202, body: 'thanks' });
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}`);
      await page.getByRole('button', { name: 'Send a test event' }).click();
      expect(await page.locator('.facts').first().textContent()).to.contain('202');
      await checkScreen('subscription-test');
    });

    it('rotates the secret and shows the new one once', async () => {
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}`);
      await page.getByRole('button', { name: 'Rotate the secret' }).click();
      const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
      expect(secret).to.match(/^whsec_/);
      expect(secret).not.to.equal(firstSecret);
      const row = await suite.db.db
        .selectFrom('integration.WebhookSubscription')
        .select(['Secret', 'PreviousSecret'])
        .executeTakeFirstOrThrow();
      expect(row).to.deep.equal({ Secret: secret, PreviousSecret: firstSecret });
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}`);
      expect(await page.content()).not.to.contain(secret);
    });

    it('deletes only after the confirmation that names the subscription', async () => {
      await page.goto(`${base}/admin/subscriptions/${subscriptionId}`);
      await page.getByRole('link', { name: 'Delete…' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.contain(`#${subscriptionId}`);
      await checkScreen('subscription-delete');
      await page.getByLabel(/to confirm/).fill('999');
      await page.getByRole('button', { name: /Delete subscription/ }).click();
      expect(await page.getByRole('status').textContent()).to.contain('Nothing was deleted');
      expect(await suite.db.db.selectFrom('integration.WebhookSubscription').select('SubscriptionId').execute()).to.have.length(1);
      await page.getByLabel(/to confirm/).fill(String(subscriptionId));
      await page.getByRole('button', { name: /Delete subscription/ }).click();
      expect(await page.getByRole('status').textContent()).to.contain('Subscription deleted');
      expect(await suite.db.db.selectFrom('integration.WebhookSubscription').select('SubscriptionId').execute()).to.have.length(0);
      await checkScreen('subscriptions');
    });

    it('is readable on a phone', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/admin`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).to.be.at.most(0);
      await checkScreen('overview-phone');
      await page.setViewportSize({ width: 1280, height: 860 });
    });

    it('ends an idle session: the next page asks to sign in again', async () => {
      // The session's last use moved 31 minutes back, as if the person had walked away.
      await suite.db.db
        .updateTable('integration.AdminSession')
        .set({ LastSeenUtc: new Date(Date.now() - 31 * 60_000) })
        .execute();
      await page.goto(`${base}/admin/events`);
      expect(new URL(page.url()).pathname).to.equal('/admin/login');
      expect(await page.getByRole('status').textContent()).to.contain('Sign in again');
      const left = await suite.db.db
        .selectFrom('integration.AdminSession')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(left.n)).to.equal(0);
    });

    it('signs out: the session is gone from the store and the portal asks to sign in', async () => {
      await page.getByLabel('API key with the admin scope').fill(adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/admin`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      expect(new URL(page.url()).pathname).to.equal('/admin/login');
      expect(await suite.db.db.selectFrom('integration.AdminSession').select('SessionHash').execute()).to.deep.equal([]);
      await page.goto(`${base}/admin`);
      expect(new URL(page.url()).pathname).to.equal('/admin/login');
    });
  },
  { demoCrm: true },
);
