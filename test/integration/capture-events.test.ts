import { expect } from 'chai';
import type { Database } from '../../src/db/connect.js';
import { captureAll, eventsOf, testCaptureContext } from '../support/capture.js';
import { employeeRow } from '../support/crm-rows.js';
import { describeEachDialect } from '../support/databases.js';

/** The sample payloads of the event catalog the CRM team published, ids aside. */
const SAMPLES = {
  'client.created': {
    first_name: 'Jane',
    last_name: 'Smith',
    email: 'jane.smith@example.com',
    phone: '+14155551234',
    status: 'Client - Active',
    status_id: 42,
    employee_id: 7,
    employee_name: 'John Advisor',
    affiliate_id: null,
    created_date: '2026-01-28T10:30:00.000Z',
  },
  'lead.created': {
    first_name: 'Michael',
    last_name: 'Johnson',
    email: 'michael.j@example.com',
    phone: '+14155559876',
    status: 'Lead - New',
    status_id: 10,
    source: 'website_form',
    created_date: '2026-01-28T09:15:00.000Z',
  },
  'client.status_changed': {
    previous_status: 'Client - Active',
    new_status: 'Client - Graduated',
    changed_date: '2026-01-28T14:22:00.000Z',
    changed_by_employee_id: 7,
    status_note: 'All items removed',
  },
  'payment.succeeded': {
    payment_amount: 99,
    payment_method: 'Credit Card',
    date_paid: '2026-01-28T11:45:00.000Z',
    transaction_id: 'ch_3AbCdEfGhIjK',
  },
  'payment.failed': {
    amount_attempted: 149,
    failure_reason: 'Card declined - insufficient funds',
    payment_method: 'Credit Card',
    attempted_date: '2026-01-28T11:50:00.000Z',
  },
  'invoice.created': {
    amount: 99,
    due_date: '2026-02-05',
    description: 'Monthly Service Fee',
    invoice_status: 'Unpaid',
    created_date: '2026-01-28T08:00:00.000Z',
  },
  'invoice.status_changed': { previous_status: 'Unpaid', new_status: 'Paid', total_paid: 99, balance: 0, payment_date: '2026-01-28' },
  'affiliate.created': {
    full_name: 'Sarah Partner',
    email: 'sarah@partnercompany.com',
    phone: '+14155553333',
    affiliate_code: 'SARAH2024',
    is_approved_affiliate: false,
    created_date: '2026-01-28T13:20:00.000Z',
  },
  'document.uploaded': { doc_name: 'credit_report_2024.pdf', doc_type_name: 'Credit Report', created_date: '2026-01-28T15:10:00.000Z' },
  'agreement.signed': { signed_date: '2026-01-28T10:35:00.000Z', name_signed: 'Jane Smith', agreement_name: 'Service Agreement 2024' },
} as const;

async function insertClient(
  db: Database,
  values: {
    first: string;
    last: string;
    email: string;
    phone: string;
    status: number;
    employee: number | null;
    source: string | null;
    created: string;
  },
): Promise<number> {
  return db.dialect.insertReturningId(
    db.db,
    'dbo.Client',
    {
      FirstName: values.first,
      LastName: values.last,
      Email: values.email,
      Phone: values.phone,
      StatusID: values.status,
      EmployeeID: values.employee,
      AffiliateID: null,
      LeadSource: values.source,
      CreatedDate: values.created,
    },
    'ClientID',
  );
}

describeEachDialect(
  "capture: each event's payload matches the sample",
  (suite) => {
    const ids: Record<string, number> = {};

    before(async () => {
      const db = suite.db;
      const ctx = testCaptureContext(db);
      await captureAll(ctx); // first start: watermarks at the seed data's maximum, nothing emitted
      expect(await eventsOf(db, 'client.created')).to.have.length(0);

      ids['jane'] = await insertClient(db, {
        first: 'Jane',
        last: 'Smith',
        email: 'jane.smith@example.com',
        phone: '+14155551234',
        status: 42,
        employee: 7,
        source: 'referral',
        created: '2026-01-28 10:30:00',
      });
      ids['michael'] = await insertClient(db, {
        first: 'Michael',
        last: 'Johnson',
        email: 'michael.j@example.com',
        phone: '+14155559876',
        status: 10,
        employee: null,
        source: 'website_form',
        created: '2026-01-28 09:15:00',
      });
      ids['history'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.ClientStatusHistory',
        {
          ClientID: ids['jane'],
          PreviousStatusID: 42,
          StatusID: 43,
          ChangedDate: '2026-01-28 14:22:00',
          ChangedByEmployeeID: 7,
          StatusNote: 'All items removed',
        },
        'ClientStatusHistoryID',
      );
      ids['invoice'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.Invoice',
        {
          ClientID: ids['jane'],
          Amount: 99,
          DueDate: '2026-02-05',
          Description: 'Monthly Service Fee',
          CreatedDate: '2026-01-28 08:00:00',
        },
        'InvoiceID',
      );
      ids['invoice2'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.Invoice',
        { ClientID: ids['michael'], Amount: 149, DueDate: '2026-02-05', Description: 'Setup Fee', CreatedDate: '2026-01-28 08:05:00' },
        'InvoiceID',
      );
      ids['affiliate'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.Employee',
        {
          FullName: 'Sarah Partner',
          Email: 'sarah@partnercompany.com',
          Phone: '+14155553333',
          TeamRoleID: 2,
          IsActive: true,
          IsApprovedAffiliate: false,
          AffiliateCode: 'SARAH2024',
          CreatedDate: '2026-01-28 13:20:00',
        },
        'EmployeeID',
      );
      await db.db.insertInto('dbo.Employee').values(employeeRow('Not An Affiliate', '2026-01-28 13:21:00')).execute();
      ids['doc'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.ClientDoc',
        {
          ClientID: ids['jane'],
          DocName: 'credit_report_2024.pdf',
          DocTypeID: 1,
          DocContent: Buffer.from('%PDF'),
          CreatedDate: '2026-01-28 15:10:00',
        },
        'ClientDocID',
      );
      ids['signed'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.AgreementSigned',
        { ClientID: ids['jane'], TermsID: 1, NameSigned: 'Jane Smith', IPAddress: '203.0.113.7', SignedDate: '2026-01-28 10:35:00' },
        'AgreementSignedID',
      );
      await captureAll(ctx); // invoices first seen Unpaid: their baseline
      ids['paid'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.InvoicePayment',
        {
          InvoiceID: ids['invoice'],
          ClientID: ids['jane'],
          Amount: 99,
          PaymentMethod: 'Credit Card',
          IsSuccessful: true,
          FailureReason: null,
          TransactionID: 'ch_3AbCdEfGhIjK',
          PaymentDate: '2026-01-28 11:45:00',
        },
        'InvoicePaymentID',
      );
      ids['failed'] = await db.dialect.insertReturningId(
        db.db,
        'dbo.InvoicePayment',
        {
          InvoiceID: ids['invoice2'],
          ClientID: ids['michael'],
          Amount: 149,
          PaymentMethod: 'Credit Card',
          IsSuccessful: false,
          FailureReason: 'Card declined - insufficient funds',
          TransactionID: null,
          PaymentDate: '2026-01-28 11:50:00',
        },
        'InvoicePaymentID',
      );
      await captureAll(ctx);
    });

    async function only(type: keyof typeof SAMPLES) {
      const events = await eventsOf(suite.db, type);
      expect(
        events.map((e) => e.sourceKey),
        type,
      ).to.have.length(type === 'invoice.status_changed' ? 2 : 1);
      return events;
    }

    it('client.created', async () => {
      const [e] = await only('client.created');
      expect(e!.payload).to.deep.equal({ client_id: ids['jane'], ...SAMPLES['client.created'] });
      expect(e!.createdUtc).to.equal('2026-01-28T10:30:00.000Z');
      expect(e!.metadata).to.deep.equal({ source: 'dbo.Client', key: ids['jane'] });
    });

    it('lead.created (a lead is not also a client.created)', async () => {
      const [e] = await only('lead.created');
      expect(e!.payload).to.deep.equal({ client_id: ids['michael'], ...SAMPLES['lead.created'] });
      expect(e!.createdUtc).to.equal('2026-01-28T09:15:00.000Z');
    });

    it('client.status_changed', async () => {
      const [e] = await only('client.status_changed');
      expect(e!.payload).to.deep.equal({
        client_status_history_id: ids['history'],
        client_id: ids['jane'],
        ...SAMPLES['client.status_changed'],
      });
      expect(e!.createdUtc).to.equal('2026-01-28T14:22:00.000Z');
    });

    it('affiliate.created (only for the Affiliate role), with is_active from the catalog', async () => {
      const [e] = await only('affiliate.created');
      expect(e!.payload).to.deep.equal({ employee_id: ids['affiliate'], is_active: true, ...SAMPLES['affiliate.created'] });
    });

    it('invoice.created', async () => {
      const events = await eventsOf(suite.db, 'invoice.created');
      expect(events).to.have.length(2);
      expect(events[0]!.payload).to.deep.equal({ invoice_id: ids['invoice'], client_id: ids['jane'], ...SAMPLES['invoice.created'] });
      expect(events[0]!.createdUtc).to.equal('2026-01-28T08:00:00.000Z');
    });

    it('invoice.status_changed (Unpaid to Paid, and Unpaid to Failed)', async () => {
      const events = await only('invoice.status_changed');
      const paid = events.find((e) => e.payload['invoice_id'] === ids['invoice']);
      expect(paid!.payload).to.deep.equal({
        invoice_id: ids['invoice'],
        client_id: ids['jane'],
        changed_date: '2026-01-28T11:45:00.000Z',
        ...SAMPLES['invoice.status_changed'],
      });
      expect(paid!.createdUtc).to.equal('2026-01-28T11:45:00.000Z');
      const failed = events.find((e) => e.payload['invoice_id'] === ids['invoice2']);
      expect(failed!.payload).to.deep.include({ previous_status: 'Unpaid', new_status: 'Failed', total_paid: 0, balance: 149 });
    });

    it('payment.succeeded', async () => {
      const [e] = await only('payment.succeeded');
      expect(e!.payload).to.deep.equal({
        payment_id: ids['paid'],
        invoice_id: ids['invoice'],
        client_id: ids['jane'],
        ...SAMPLES['payment.succeeded'],
      });
      expect(e!.createdUtc).to.equal('2026-01-28T11:45:00.000Z');
    });

    it('payment.failed, with both date_attempted (catalog) and attempted_date (sample)', async () => {
      const [e] = await only('payment.failed');
      expect(e!.payload).to.deep.equal({
        payment_id: ids['failed'],
        invoice_id: ids['invoice2'],
        client_id: ids['michael'],
        date_attempted: '2026-01-28T11:50:00.000Z',
        ...SAMPLES['payment.failed'],
      });
    });

    it('document.uploaded', async () => {
      const [e] = await only('document.uploaded');
      expect(e!.payload).to.deep.equal({
        client_doc_id: ids['doc'],
        client_id: ids['jane'],
        doc_type_id: 1,
        ...SAMPLES['document.uploaded'],
      });
    });

    it('agreement.signed', async () => {
      const [e] = await only('agreement.signed');
      expect(e!.payload).to.deep.equal({
        agreement_signed_id: ids['signed'],
        client_id: ids['jane'],
        terms_id: 1,
        ip_address: '203.0.113.7',
        ...SAMPLES['agreement.signed'],
      });
    });

    it('a second capture writes nothing more', async () => {
      const before = await suite.db.db
        .selectFrom('integration.OutboxEvent')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      await captureAll(testCaptureContext(suite.db));
      const after = await suite.db.db
        .selectFrom('integration.OutboxEvent')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).to.equal(Number(before.n));
    });
  },
  { demoCrm: true },
);
