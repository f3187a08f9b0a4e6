import type { Database } from '../../../src/db/connect.js';
import type { Trx } from '../../../src/db/dialect.js';

/** One event the outbox must hold once: its type and the capture's source key. */
export interface ExpectedEvent {
  type: string;
  sourceKey: string;
}

/** Text a writer puts into source rows; the hostile-content scenario replaces it. */
export interface RowText {
  firstName(n: number): string;
  lastName(n: number): string;
  statusNote(n: number): string;
  description(n: number): string;
  docName(n: number): string;
  failureReason(n: number): string;
  nameSigned(n: number): string;
}

export const plainText: RowText = {
  firstName: (n) => `Chaos${n}`,
  lastName: (n) => `Change${n}`,
  statusNote: (n) => `status change ${n}`,
  description: (n) => `Invoice ${n}`,
  docName: (n) => `document-${n}.pdf`,
  failureReason: () => 'Card declined',
  nameSigned: (n) => `Signer ${n}`,
};

const LEAD = 10;
const ACTIVE = 42;
const ADVISOR = 7;
const AFFILIATE_ROLE = 2;
const ADVISOR_ROLE = 1;

function localNow(): string {
  return new Date().toISOString().replace('Z', '').replace('T', ' ');
}

/**
 * Writes CRM changes straight into the source tables, one business act per transaction, from
 * several lanes at once (so identities commit out of order, as in a real CRM), and remembers the
 * event each committed act must become. Every one of the ten events is produced: a payment goes
 * only to an invoice whose invoice.created is already captured and that was never paid, so its
 * invoice.status_changed is exactly one event with version 1.
 */
export class CrmWriter {
  readonly expected: ExpectedEvent[] = [];
  readonly byType = new Map<string, number>();
  #n = 0;
  #clients: number[] = [];
  #invoices: number[] = [];
  #payable: number[] = [];
  #paid = new Set<number>();
  #failures = 0;
  #inFlight = 0;
  /** The last error a change met, for a scenario's report. */
  lastError: string | undefined;
  #captured: number[] = [];
  /** Payments chosen while no invoice was captured yet: made at the end, as extra changes. */
  #deferredPayments = 0;

  constructor(
    private readonly source: Database,
    private readonly store: Database,
    private readonly text: RowText = plainText,
  ) {}

  /** Source changes committed (a payment is one change and two events). */
  acts = 0;

  /** Transactions that failed (and so produced nothing), e.g. while the database was down. */
  get failures(): number {
    return this.#failures;
  }

  #expect(type: string, sourceKey: string, sameChange = false): void {
    if (!sameChange) this.acts++;
    this.expected.push({ type, sourceKey });
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
  }

  /**
   * Writes `count` changes from `lanes` concurrent lanes at about `perSecond` in total; `paused()`
   * holds every lane (a scenario that takes the database away stops the CRM with it).
   */
  async run(count: number, options: { lanes?: number; perSecond?: number; paused?: () => boolean } = {}): Promise<void> {
    const lanes = options.lanes ?? 4;
    const gapMs = options.perSecond ? (1000 * lanes) / options.perSecond : 0;
    let remaining = count;
    const lane = async () => {
      while (remaining > 0) {
        if (options.paused?.()) {
          await sleep(50);
          continue;
        }
        remaining--;
        const started = Date.now();
        this.#inFlight++;
        try {
          await this.change();
        } catch (error) {
          // A change whose transaction failed produced nothing: do it again later.
          this.lastError = (error as Error).message;
          this.#failures++;
          remaining++;
          await sleep(100);
        } finally {
          this.#inFlight--;
        }
        const wait = gapMs - (Date.now() - started);
        if (wait > 0) await sleep(wait);
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    await this.#payDeferred(options.paused);
  }

  /** Makes the payments that found no captured invoice, as invoices get captured (at most 2 minutes). */
  async #payDeferred(paused?: () => boolean): Promise<void> {
    const deadline = Date.now() + 120_000;
    // Each invoice is paid once: when every one is paid, the rest of the deferred payments lapse.
    while (this.#deferredPayments > 0 && this.#paid.size < this.#invoices.length && Date.now() < deadline) {
      if (paused?.()) {
        await sleep(50);
        continue;
      }
      await this.#refreshPayable().catch(() => undefined);
      if (this.#payable.length === 0) {
        await sleep(200);
        continue;
      }
      this.#deferredPayments--;
      this.#inFlight++;
      try {
        await this.#payment(++this.#n);
      } catch (error) {
        this.lastError = (error as Error).message;
        this.#failures++;
        this.#deferredPayments++;
      } finally {
        this.#inFlight--;
      }
    }
  }

  /** Resolves once no lane is inside a transaction (call after pausing). */
  async settled(): Promise<void> {
    while (this.#inFlight > 0) await sleep(10);
  }

  /** One business act, chosen round-robin over the kinds so every event type is well represented. */
  async change(): Promise<void> {
    const n = ++this.#n;
    const kind = n % 11;
    if (this.#clients.length < 4 && kind > 1) return this.#newClient(n, n % 2 === 0 ? LEAD : ACTIVE);
    switch (kind) {
      case 0:
        return this.#newClient(n, LEAD);
      case 1:
        return this.#newClient(n, ACTIVE);
      case 2:
        return this.#statusChange(n);
      case 3:
        return this.#newEmployee(n, n % 2 === 0 ? AFFILIATE_ROLE : ADVISOR_ROLE);
      case 4:
      case 5:
        return this.#newInvoice(n);
      case 6:
      case 7:
        return this.#payment(n);
      case 8:
        return this.#document(n);
      case 9:
        return this.#agreement(n);
      default:
        return this.#newClient(n, n % 3 === 0 ? ACTIVE : LEAD);
    }
  }

  async #tx<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    return this.source.db.transaction().execute(work);
  }

  #someClient(n: number): number {
    return this.#clients[(n * 7919) % this.#clients.length] as number;
  }

  async #newClient(n: number, status: number): Promise<void> {
    const id = await this.#tx((trx) =>
      this.source.dialect.insertReturningId(
        trx,
        'dbo.Client',
        {
          FirstName: this.text.firstName(n),
          LastName: this.text.lastName(n),
          Email: `chaos${n}@example.com`,
          Phone: '+14155550000',
          StatusID: status,
          EmployeeID: status === LEAD ? null : ADVISOR,
          AffiliateID: null,
          LeadSource: 'chaos',
          CreatedDate: localNow(),
        },
        'ClientID',
      ),
    );
    this.#clients.push(Number(id));
    this.#expect(status === LEAD ? 'lead.created' : 'client.created', `dbo.Client:${id}`);
  }

  /**
   * Clients whose creation event is captured: a status changed before the capture reads the new
   * row would make it a client.created instead of a lead.created, and the expectation ambiguous.
   */
  async #capturedClient(n: number): Promise<number | undefined> {
    if (this.#captured.length === 0 || n % 50 === 0) {
      const rows = await this.store.db
        .selectFrom('integration.OutboxEvent')
        .select('SourceKey')
        .where('EventType', 'in', ['lead.created', 'client.created'])
        .execute();
      const mine = new Set(this.#clients);
      this.#captured = rows.map((r) => Number(r.SourceKey.split(':')[1])).filter((id) => mine.has(id));
    }
    return this.#captured.length === 0 ? undefined : this.#captured[(n * 7919) % this.#captured.length];
  }

  async #statusChange(n: number): Promise<void> {
    const client = await this.#capturedClient(n);
    if (client === undefined) return this.#document(n);
    const to = n % 2 === 0 ? ACTIVE : 43;
    const id = await this.#tx(async (trx) => {
      const row = await trx.selectFrom('dbo.Client').select('StatusID').where('ClientID', '=', client).executeTakeFirstOrThrow();
      await trx.updateTable('dbo.Client').set({ StatusID: to }).where('ClientID', '=', client).execute();
      return this.source.dialect.insertReturningId(
        trx,
        'dbo.ClientStatusHistory',
        {
          ClientID: client,
          PreviousStatusID: row.StatusID,
          StatusID: to,
          ChangedDate: localNow(),
          ChangedByEmployeeID: ADVISOR,
          StatusNote: this.text.statusNote(n),
        },
        'ClientStatusHistoryID',
      );
    });
    this.#expect('client.status_changed', `dbo.ClientStatusHistory:${id}`);
  }

  async #newEmployee(n: number, role: number): Promise<void> {
    const id = await this.#tx((trx) =>
      this.source.dialect.insertReturningId(
        trx,
        'dbo.Employee',
        {
          FullName: `${this.text.firstName(n)} ${this.text.lastName(n)}`.slice(0, 200),
          Email: `employee${n}@example.com`,
          Phone: null,
          TeamRoleID: role,
          IsActive: true,
          IsApprovedAffiliate: false,
          AffiliateCode: role === AFFILIATE_ROLE ? `AFF${n}` : null,
          CreatedDate: localNow(),
        },
        'EmployeeID',
      ),
    );
    // Only affiliates are an event; an advisor's row must produce none.
    if (role === AFFILIATE_ROLE) this.#expect('affiliate.created', `dbo.Employee:${id}`);
    else this.acts++;
  }

  async #newInvoice(n: number): Promise<void> {
    const client = this.#someClient(n);
    const id = await this.#tx((trx) =>
      this.source.dialect.insertReturningId(
        trx,
        'dbo.Invoice',
        { ClientID: client, Amount: 100 + (n % 50), DueDate: '2026-12-31', Description: this.text.description(n), CreatedDate: localNow() },
        'InvoiceID',
      ),
    );
    this.#invoices.push(Number(id));
    this.#expect('invoice.created', `api.vwInvoiceDetails:${id}`);
  }

  /** Invoices whose invoice.created is in the outbox and that this writer has not paid yet. */
  async #refreshPayable(): Promise<void> {
    const captured = await this.store.db
      .selectFrom('integration.OutboxEvent')
      .select('SourceKey')
      .where('EventType', '=', 'invoice.created')
      .execute();
    const mine = new Set(this.#invoices.map(Number));
    this.#payable = captured.map((row) => Number(row.SourceKey.split(':')[1])).filter((id) => mine.has(id) && !this.#paid.has(id));
  }

  async #payment(n: number): Promise<void> {
    if (this.#payable.length === 0) await this.#refreshPayable();
    const invoice = this.#payable.pop();
    if (invoice === undefined || this.#paid.has(invoice)) {
      // No captured, unpaid invoice yet: another change now, the payment once one is captured.
      this.#deferredPayments++;
      return this.#document(n);
    }
    this.#paid.add(invoice);
    const succeeds = n % 3 !== 0;
    let id: number;
    try {
      id = await this.#tx(async (trx) => {
        const row = await trx
          .selectFrom('dbo.Invoice')
          .select(['ClientID', 'Amount'])
          .where('InvoiceID', '=', invoice)
          .executeTakeFirstOrThrow();
        return this.source.dialect.insertReturningId(
          trx,
          'dbo.InvoicePayment',
          {
            InvoiceID: invoice,
            ClientID: row.ClientID,
            Amount: n % 4 === 0 ? Number(row.Amount) / 2 : Number(row.Amount),
            PaymentMethod: 'Credit Card',
            IsSuccessful: succeeds,
            FailureReason: succeeds ? null : this.text.failureReason(n),
            TransactionID: succeeds ? `ch_${n}` : null,
            PaymentDate: localNow(),
          },
          'InvoicePaymentID',
        );
      });
    } catch (error) {
      this.#paid.delete(invoice);
      this.#payable.push(invoice);
      throw error;
    }
    this.#expect(succeeds ? 'payment.succeeded' : 'payment.failed', `dbo.InvoicePayment:${id}`);
    this.#expect('invoice.status_changed', `api.vwInvoiceDetails:${invoice}:1`, true);
  }

  async #document(n: number): Promise<void> {
    const client = this.#someClient(n);
    const id = await this.#tx((trx) =>
      this.source.dialect.insertReturningId(
        trx,
        'dbo.ClientDoc',
        {
          ClientID: client,
          DocName: this.text.docName(n),
          DocTypeID: 1 + (n % 4),
          DocContent: Buffer.from('%PDF-1.4\n'),
          CreatedDate: localNow(),
        },
        'ClientDocID',
      ),
    );
    this.#expect('document.uploaded', `dbo.ClientDoc:${id}`);
  }

  async #agreement(n: number): Promise<void> {
    const client = this.#someClient(n);
    const id = await this.#tx((trx) =>
      this.source.dialect.insertReturningId(
        trx,
        'dbo.AgreementSigned',
        { ClientID: client, TermsID: 1 + (n % 2), NameSigned: this.text.nameSigned(n), IPAddress: '203.0.113.7', SignedDate: localNow() },
        'AgreementSignedID',
      ),
    );
    this.#expect('agreement.signed', `dbo.AgreementSigned:${id}`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
