import { expect } from 'chai';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { captureAll, testCaptureContext } from '../support/capture.js';
import { describeEachDialect, type TestDialect } from '../support/databases.js';
import { testDispatcher } from '../support/dispatcher.js';
import { Receiver } from '../support/receiver.js';

const EMOJI = '😀';

/**
 * The longest text an n-character column holds, ending in a character outside the BMP. SQL
 * Server's nvarchar(n) counts UTF-16 units (the emoji takes two); PostgreSQL's varchar(n) counts
 * code points.
 */
function fullColumn(n: number, dialect: TestDialect): string {
  return `${'é'.repeat(dialect === 'mssql' ? n - 2 : n - 1)}${EMOJI}`;
}

/**
 * Status notes (nvarchar(max)) around the 4,000-unit limit of nvarchar(n), the 4,002-unit note
 * chaos 6 found altered, one of emoji only, and one far past every nvarchar(n) and 8,000-byte limit.
 */
const NOTES = {
  units4000: 'é'.repeat(4000),
  units4001: 'é'.repeat(4001),
  emojiAcross4000: `${'x'.repeat(3999)}${EMOJI}${'y'.repeat(10)}`,
  chaos6: `${'é'.repeat(3998)}${EMOJI}${EMOJI}`,
  outsideBmp: `${EMOJI}𝄞🏳️‍🌈`.repeat(700),
  units100000: `${'é'.repeat(49_998)}${EMOJI}${'ü'.repeat(49_998)}${EMOJI}`,
};

describeEachDialect(
  'capture: long and non-BMP text arrives unchanged in the webhook body and the events API',
  (suite) => {
    let api: RunningApi;
    let receiver: Receiver;
    let reader: string;
    /** Each value written, by the event (type and source key) and payload field it must arrive in. */
    const expected: { type: string; key: string; field: string; value: string }[] = [];

    before(async () => {
      const db = suite.db;
      const full = (n: number) => fullColumn(n, suite.dialect);
      const ctx = testCaptureContext(db);
      await captureAll(ctx); // first start: watermarks at the seed data's maximum
      receiver = await Receiver.start();
      await kyselySubscriptionStore(db, { secretOverlapHours: 24 }).create({ url: receiver.url, eventTypes: ['*'] });
      api = await startApi(db);
      reader = await keyWith(db, 'events:read');
      const insert = (table: string, values: Record<string, unknown>, idColumn: string) =>
        db.dialect.insertReturningId(db.db, table as never, values, idColumn);
      const expect_ = (type: string, key: number, fields: Record<string, string>) => {
        for (const [field, value] of Object.entries(fields)) expected.push({ type, key: String(key), field, value });
      };

      const lead = { FirstName: full(100), LastName: full(100), Email: full(200), Phone: full(50), LeadSource: full(100) };
      const clientId = await insert(
        'dbo.Client',
        { ...lead, StatusID: 10, EmployeeID: null, AffiliateID: null, CreatedDate: '2026-01-28 09:15:00' },
        'ClientID',
      );
      expect_('lead.created', clientId, {
        first_name: lead.FirstName,
        last_name: lead.LastName,
        email: lead.Email,
        phone: lead.Phone,
        source: lead.LeadSource,
      });
      for (const note of Object.values(NOTES)) {
        const historyId = await insert(
          'dbo.ClientStatusHistory',
          {
            ClientID: clientId,
            PreviousStatusID: 10,
            StatusID: 42,
            ChangedDate: '2026-01-28 14:22:00',
            ChangedByEmployeeID: 7,
            StatusNote: note,
          },
          'ClientStatusHistoryID',
        );
        expect_('client.status_changed', historyId, { status_note: note });
      }
      const affiliate = { FullName: full(200), Email: full(200), Phone: full(50), AffiliateCode: full(50) };
      const affiliateId = await insert(
        'dbo.Employee',
        { ...affiliate, TeamRoleID: 2, IsActive: true, IsApprovedAffiliate: true, CreatedDate: '2026-01-28 13:20:00' },
        'EmployeeID',
      );
      expect_('affiliate.created', affiliateId, {
        full_name: affiliate.FullName,
        email: affiliate.Email,
        phone: affiliate.Phone,
        affiliate_code: affiliate.AffiliateCode,
      });
      const description = full(400);
      const invoiceId = await insert(
        'dbo.Invoice',
        { ClientID: clientId, Amount: 99, DueDate: '2026-02-05', Description: description, CreatedDate: '2026-01-28 08:00:00' },
        'InvoiceID',
      );
      expect_('invoice.created', invoiceId, { description });
      const docName = full(260);
      const docId = await insert(
        'dbo.ClientDoc',
        { ClientID: clientId, DocName: docName, DocTypeID: 1, DocContent: null, CreatedDate: '2026-01-28 15:10:00' },
        'ClientDocID',
      );
      expect_('document.uploaded', docId, { doc_name: docName });
      const nameSigned = full(200);
      const signedId = await insert(
        'dbo.AgreementSigned',
        { ClientID: clientId, TermsID: 1, NameSigned: nameSigned, IPAddress: '203.0.113.7', SignedDate: '2026-01-28 10:35:00' },
        'AgreementSignedID',
      );
      expect_('agreement.signed', signedId, { name_signed: nameSigned });
      const payment = { PaymentMethod: full(50), FailureReason: full(400) };
      const failedId = await insert(
        'dbo.InvoicePayment',
        {
          InvoiceID: invoiceId,
          ClientID: clientId,
          Amount: 99,
          ...payment,
          IsSuccessful: false,
          TransactionID: null,
          PaymentDate: '2026-01-28 11:45:00',
        },
        'InvoicePaymentID',
      );
      expect_('payment.failed', failedId, { payment_method: payment.PaymentMethod, failure_reason: payment.FailureReason });
      const transactionId = full(100);
      const paidId = await insert(
        'dbo.InvoicePayment',
        {
          InvoiceID: invoiceId,
          ClientID: clientId,
          Amount: 99,
          PaymentMethod: 'Card',
          IsSuccessful: true,
          FailureReason: null,
          TransactionID: transactionId,
          PaymentDate: '2026-01-28 11:50:00',
        },
        'InvoicePaymentID',
      );
      expect_('payment.succeeded', paidId, { transaction_id: transactionId });

      await captureAll(ctx);
      const dispatcher = testDispatcher(db);
      try {
        while ((await dispatcher.drain()) > 0);
      } finally {
        await dispatcher.close();
      }
    });

    after(async () => {
      await api?.close();
      await receiver?.close();
    });

    /** The delivered envelopes by "type|source key" (metadata.key is the source row's key). */
    const delivered = () => {
      const byEvent = new Map<string, { body: string; envelope: { id: number; payload: Record<string, unknown> } }>();
      for (const request of receiver.requests) {
        const envelope = JSON.parse(request.body) as {
          id: number;
          type: string;
          payload: Record<string, unknown>;
          metadata: { key: unknown };
        };
        byEvent.set(`${envelope.type}|${String(envelope.metadata.key)}`, { body: request.body, envelope });
      }
      return byEvent;
    };

    it('every value comes through the webhook body unchanged, byte for byte', () => {
      const byEvent = delivered();
      for (const { type, key, field, value } of expected) {
        const label = `${type} ${key} ${field} (${value.length} UTF-16 units)`;
        const hit = byEvent.get(`${type}|${key}`);
        expect(hit, `${label}: delivered`).to.not.equal(undefined);
        const arrived = hit!.envelope.payload[field];
        expect(typeof arrived, label).to.equal('string');
        expect((arrived as string).length, `${label}: length`).to.equal(value.length);
        expect(Buffer.from(arrived as string).equals(Buffer.from(value)), `${label}: bytes`).to.equal(true);
        // The signed bytes themselves hold the value's JSON text as it is, no character altered.
        expect(Buffer.from(hit!.body).includes(Buffer.from(JSON.stringify(value))), `${label}: in the body's bytes`).to.equal(true);
      }
    });

    it('the events API returns the same envelope as the webhook for each of these events', async () => {
      for (const [event, { envelope }] of delivered()) {
        if (!expected.some((e) => `${e.type}|${e.key}` === event)) continue;
        const answer = await call(api.base, 'GET', `/api/v1/events/${envelope.id}`, reader);
        expect(answer.status, answer.text.slice(0, 200)).to.equal(200);
        expect(answer.body, `event ${event} from the API`).to.deep.equal(envelope);
      }
    });
  },
  { demoCrm: true },
);
