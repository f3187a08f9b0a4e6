import { backfill } from '../../../src/capture/backfill.js';
import { captureCycle } from '../../../src/capture/engine.js';
import { KEYED_EVENTS } from '../../../src/capture/events/index.js';
import { reconcileInvoiceStatuses } from '../../../src/capture/invoice-status.js';
import type { CaptureContext } from '../../../src/capture/options.js';
import { SOURCE_OBJECTS, clients, payments } from '../../../src/outbox/crm/sources.js';
import type { Database } from '../../../src/db/connect.js';
import { silentLogger } from '../../../src/logging/logger.js';
import type { MssqlStatementCase, RecordedStatement } from '../../support/mssql-recorder.js';

function ctx(db: Database): CaptureContext {
  return {
    source: db,
    store: db,
    companyId: 92,
    zone: 'America/New_York',
    batchSize: 5000,
    gapTimeoutMs: 600000,
    reconcilePageSize: 5000,
    logger: silentLogger(),
    now: () => new Date('2026-01-28T12:00:00Z'),
  };
}

const clientRow = {
  key: 12,
  ClientID: 12,
  FirstName: 'Jane',
  LastName: 'Smith',
  Email: null,
  Phone: null,
  StatusID: 42,
  StatusName: 'Client - Active',
  EmployeeID: 7,
  EmployeeName: 'John Advisor',
  AffiliateID: null,
  LeadSource: null,
  CreatedDate: new Date('2026-01-28T10:30:00Z'),
};
const paymentRow = {
  key: 5,
  InvoicePaymentID: 5,
  InvoiceID: 3,
  ClientID: 12,
  Amount: 99,
  PaymentMethod: 'Card',
  IsSuccessful: true,
  FailureReason: null,
  TransactionID: 'ch_1',
  PaymentDate: new Date('2026-01-28T11:45:00Z'),
};
const invoiceRow = {
  key: 3,
  InvoiceID: 3,
  ClientID: 12,
  Amount: 99,
  DueDate: new Date('2026-02-05T00:00:00Z'),
  Description: 'Fee',
  InvoiceStatus: 'Paid',
  TotalPaid: 99,
  Balance: 0,
  LastPaymentDate: new Date('2026-01-28T11:45:00Z'),
  CreatedDate: new Date('2026-01-28T08:00:00Z'),
};

const has = (s: RecordedStatement, text: string) => s.sql.includes(text);

export const cases: MssqlStatementCase[] = [
  {
    name: 'first start of every source object: the watermark starts at the current maximum',
    run: async (db) => {
      for (const object of SOURCE_OBJECTS) await captureCycle(ctx(db), object, KEYED_EVENTS);
    },
    respond: (s) => (has(s, 'max(') ? [{ top: 10 }] : []),
  },
  {
    name: 'an idle cycle (dbo.Client): lock, watermark, pending gap ranges (none), read past the watermark',
    run: (db) => captureCycle(ctx(db), clients, KEYED_EVENTS),
    respond: (s) => (has(s, '"CaptureWatermark"') ? [{ LastKey: 10 }] : []),
  },
  {
    name: 'a cycle with two pending gap ranges, one expired, and new rows past a new gap (dbo.Client): late row, events, ranges, watermark',
    run: (db) => captureCycle(ctx(db), clients, KEYED_EVENTS),
    respond: (s) => {
      if (has(s, '"CaptureWatermark"') && has(s, 'select')) return [{ LastKey: 10 }];
      if (has(s, '"CaptureGapRange"') && has(s, 'select'))
        return [
          { FirstKey: 3, LastKey: 4, FirstSeenUtc: new Date('2026-01-28T11:00:00Z') },
          { FirstKey: 7, LastKey: 9, FirstSeenUtc: new Date('2026-01-28T11:59:00Z') },
        ];
      // One statement reads the pending ranges and past the watermark: a late row, then a new one.
      if (has(s, '"dbo"."Client"') && has(s, 'union all')) return [{ ...clientRow, key: 8, ClientID: 8 }, clientRow];
      if (has(s, '"dbo"."Client"')) return [clientRow];
      if (has(s, 'OUTPUT inserted.EventId')) return [{ EventId: 1, EventType: 'client.created' }];
      return [];
    },
  },
  {
    name: 'a payment cycle with the invoice status fast path (dbo.InvoicePayment)',
    run: (db) => captureCycle(ctx(db), payments, KEYED_EVENTS),
    respond: (s) => {
      if (has(s, '"CaptureWatermark"') && has(s, 'select')) return [{ LastKey: 4 }];
      if (has(s, '"dbo"."InvoicePayment"')) return [paymentRow];
      if (has(s, '"api"."vwInvoiceDetails"')) return [invoiceRow];
      if (has(s, '"CaptureInvoiceStatus"') && has(s, 'select')) return [{ InvoiceID: 3, Status: 'Unpaid', Version: 0 }];
      if (has(s, 'OUTPUT inserted.EventId')) return [{ EventId: 1, EventType: 'payment.succeeded' }];
      return [];
    },
  },
  {
    name: 'one page of the invoice status reconciliation',
    run: (db) => reconcileInvoiceStatuses(ctx(db)),
    respond: (s) =>
      has(s, '"api"."vwInvoiceDetails"')
        ? [invoiceRow]
        : has(s, '"CaptureInvoiceStatus"') && has(s, 'select')
          ? [{ InvoiceID: 3, Status: 'Paid', Version: 1 }]
          : [],
  },
  {
    name: 'a backfill of client.created since a date: position, one page, done',
    run: (db) => backfill(ctx(db), '2026-01-01', ['client.created']),
    respond: (s) => {
      if (has(s, '"CaptureWatermark"')) return [{ LastKey: 20 }];
      if (has(s, 'min(')) return [{ low: 12 }];
      if (has(s, '"dbo"."Client"') && has(s, 'top(')) return [clientRow];
      if (has(s, 'OUTPUT inserted.EventId')) return [{ EventId: 1, EventType: 'client.created' }];
      return [];
    },
  },
];
