import { DateTime } from 'luxon';
import type { Database } from '../db/connect.js';
import type { Trx } from '../db/dialect.js';
import type { Logger } from '../logging/logger.js';
import type { Component } from '../kernel/component.js';
import { FakePeople } from './fake-people.js';

const LEAD_STATUSES = [10, 11, 12];
const ACTIVE_CLIENT = 42;
const LATER_CLIENT_STATUSES = [43, 44];
const ADVISOR = 7;
const AFFILIATE_ROLE = 2;

type Action = (trx: Trx) => Promise<string | null>;

export interface SimulatorOptions {
  eventsPerSecond: number;
  timezone: string;
  random?: () => number;
}

/**
 * Writes realistic CRM activity into the demo CRM, each business act in the transaction a CRM
 * would use (a conversion updates the client and appends its history together). Runs only with
 * `outbox run --demo`.
 */
export class CrmSimulator implements Component {
  readonly name = 'demo-simulator';
  readonly #fake: FakePeople;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  #counts = new Map<string, number>();

  constructor(
    private readonly source: Database,
    private readonly options: SimulatorOptions,
    private readonly logger: Logger,
  ) {
    this.#fake = new FakePeople(options.random);
  }

  get counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  async start(): Promise<void> {
    const everyMs = Math.max(1, Math.round(1000 / this.options.eventsPerSecond));
    this.#timer = setInterval(() => {
      if (this.#stopped) return;
      // Never overlap steps: a slow database slows the simulator instead of piling up work.
      this.#running = this.#running
        .then(async () => {
          await this.step();
        })
        .catch((error: unknown) => {
          this.logger.warn(`demo activity failed: ${(error as Error).message}`, { component: this.name });
        });
    }, everyMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One business act, chosen by weight. Returns what it did, for tests and logs. */
  async step(): Promise<string | null> {
    const action = this.#chooseAction();
    const done = await this.source.db.transaction().execute((trx) => action(trx));
    if (done) this.#counts.set(done, (this.#counts.get(done) ?? 0) + 1);
    return done;
  }

  #chooseAction(): Action {
    const weighted: [number, Action][] = [
      [3, (t) => this.newLead(t)],
      [1, (t) => this.newClient(t)],
      [2, (t) => this.convertLead(t)],
      [1, (t) => this.changeClientStatus(t)],
      [2, (t) => this.newInvoice(t)],
      [3, (t) => this.payInvoice(t)],
      [1, (t) => this.uploadDocument(t)],
      [1, (t) => this.signAgreement(t)],
      [0.3, (t) => this.newAffiliate(t)],
    ];
    const total = weighted.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.#random() * total;
    for (const [weight, action] of weighted) {
      roll -= weight;
      if (roll < 0) return action;
    }
    return (weighted[0] as [number, Action])[1];
  }

  #random(): number {
    return (this.options.random ?? Math.random)();
  }

  #now(): string {
    return DateTime.now().setZone(this.options.timezone).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS");
  }

  async #insertClient(trx: Trx, statusId: number): Promise<number> {
    const person = this.#fake.person();
    const affiliate = this.#fake.chance(0.3) ? await this.#latestAffiliate(trx) : null;
    return this.source.dialect.insertReturningId(
      trx,
      'dbo.Client',
      {
        FirstName: person.first,
        LastName: person.last,
        Email: person.email,
        Phone: person.phone,
        StatusID: statusId,
        EmployeeID: LEAD_STATUSES.includes(statusId) ? null : ADVISOR,
        AffiliateID: affiliate,
        LeadSource: this.#fake.leadSource(),
        CreatedDate: this.#now(),
      },
      'ClientID',
    );
  }

  async newLead(trx: Trx): Promise<string> {
    await this.#insertClient(trx, 10);
    return 'lead';
  }

  async newClient(trx: Trx): Promise<string> {
    await this.#insertClient(trx, ACTIVE_CLIENT);
    return 'client';
  }

  async convertLead(trx: Trx): Promise<string | null> {
    const lead = await this.#someClient(trx, LEAD_STATUSES);
    if (!lead) return null;
    await this.#changeStatus(trx, lead.ClientID, lead.StatusID, ACTIVE_CLIENT, 'Converted after consultation');
    return 'conversion';
  }

  async changeClientStatus(trx: Trx): Promise<string | null> {
    const client = await this.#someClient(trx, [ACTIVE_CLIENT]);
    if (!client) return null;
    const next = this.#fake.pick(LATER_CLIENT_STATUSES);
    await this.#changeStatus(trx, client.ClientID, client.StatusID, next, next === 43 ? 'All items removed' : 'Cancelled by client');
    return 'status_change';
  }

  async #changeStatus(trx: Trx, clientId: number, from: number, to: number, note: string): Promise<void> {
    await trx.updateTable('dbo.Client').set({ StatusID: to }).where('ClientID', '=', clientId).execute();
    await trx
      .insertInto('dbo.ClientStatusHistory')
      .values({
        ClientID: clientId,
        PreviousStatusID: from,
        StatusID: to,
        ChangedDate: this.#now(),
        ChangedByEmployeeID: ADVISOR,
        StatusNote: note,
      })
      .execute();
  }

  async newInvoice(trx: Trx): Promise<string | null> {
    const client = await this.#someClient(trx, [ACTIVE_CLIENT]);
    if (!client) return null;
    const due = DateTime.now().setZone(this.options.timezone).plus({ days: 14 }).toFormat('yyyy-MM-dd');
    await trx
      .insertInto('dbo.Invoice')
      .values({
        ClientID: client.ClientID,
        Amount: this.#fake.amount(),
        DueDate: due,
        Description: 'Monthly Service Fee',
        CreatedDate: this.#now(),
      })
      .execute();
    return 'invoice';
  }

  async payInvoice(trx: Trx): Promise<string | null> {
    const pivot = await this.#pivot(trx, 'dbo.Invoice', 'InvoiceID');
    const found = await trx
      .selectFrom('api.vwInvoiceDetails')
      .select((eb) => eb.fn.max('InvoiceID').as('id'))
      .where('InvoiceStatus', 'in', ['Unpaid', 'Failed', 'Partial'])
      .where('InvoiceID', '<=', pivot)
      .executeTakeFirst();
    const invoiceId = found?.id ?? null;
    if (invoiceId === null) return null;
    const invoice = await trx
      .selectFrom('api.vwInvoiceDetails')
      .select(['InvoiceID', 'ClientID', 'Balance'])
      .where('InvoiceID', '=', invoiceId)
      .executeTakeFirstOrThrow();
    const succeeds = this.#fake.chance(0.75);
    const partial = succeeds && this.#fake.chance(0.2);
    const amount = partial ? Math.round(Number(invoice.Balance) * 50) / 100 : Number(invoice.Balance);
    await trx
      .insertInto('dbo.InvoicePayment')
      .values({
        InvoiceID: invoice.InvoiceID,
        ClientID: invoice.ClientID,
        Amount: amount,
        PaymentMethod: this.#fake.paymentMethod(),
        IsSuccessful: succeeds,
        FailureReason: succeeds ? null : this.#fake.failureReason(),
        TransactionID: succeeds ? this.#fake.transactionId() : null,
        PaymentDate: this.#now(),
      })
      .execute();
    return succeeds ? 'payment' : 'failed_payment';
  }

  async uploadDocument(trx: Trx): Promise<string | null> {
    const client = await this.#someClient(trx, [ACTIVE_CLIENT, ...LEAD_STATUSES]);
    if (!client) return null;
    await trx
      .insertInto('dbo.ClientDoc')
      .values({
        ClientID: client.ClientID,
        DocName: this.#fake.docName(),
        DocTypeID: 1 + Math.floor(this.#random() * 4),
        DocContent: Buffer.from('%PDF-1.4 demo document\n'),
        CreatedDate: this.#now(),
      })
      .execute();
    return 'document';
  }

  async signAgreement(trx: Trx): Promise<string | null> {
    const client = await this.#someClient(trx, [ACTIVE_CLIENT, 40]);
    if (!client) return null;
    const person = await trx
      .selectFrom('dbo.Client')
      .select(['FirstName', 'LastName'])
      .where('ClientID', '=', client.ClientID)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('dbo.AgreementSigned')
      .values({
        ClientID: client.ClientID,
        TermsID: this.#fake.pick([1, 2]),
        NameSigned: `${person.FirstName} ${person.LastName}`,
        IPAddress: this.#fake.ip(),
        SignedDate: this.#now(),
      })
      .execute();
    return 'agreement';
  }

  async newAffiliate(trx: Trx): Promise<string> {
    const person = this.#fake.person();
    await trx
      .insertInto('dbo.Employee')
      .values({
        FullName: `${person.first} ${person.last}`,
        Email: person.email,
        Phone: person.phone,
        TeamRoleID: AFFILIATE_ROLE,
        IsActive: true,
        IsApprovedAffiliate: false,
        AffiliateCode: `${person.first.toUpperCase()}${Math.floor(this.#random() * 10000)}`,
        CreatedDate: this.#now(),
      })
      .execute();
    return 'affiliate';
  }

  /** A random id at or below which to look, so activity spreads over the table. */
  async #pivot(trx: Trx, table: 'dbo.Client' | 'dbo.Invoice', column: 'ClientID' | 'InvoiceID'): Promise<number> {
    const row = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.max(column as never).as('top'))
      .executeTakeFirst();
    const top = Number((row as { top: unknown } | undefined)?.top ?? 0);
    return Math.ceil(top * (0.5 + this.#random() * 0.5));
  }

  async #someClient(trx: Trx, statuses: number[]): Promise<{ ClientID: number; StatusID: number } | null> {
    const pivot = await this.#pivot(trx, 'dbo.Client', 'ClientID');
    const found = await trx
      .selectFrom('dbo.Client')
      .select((eb) => eb.fn.max('ClientID').as('id'))
      .where('StatusID', 'in', statuses)
      .where('ClientID', '<=', pivot)
      .executeTakeFirst();
    if (found?.id === null || found?.id === undefined) return null;
    return trx.selectFrom('dbo.Client').select(['ClientID', 'StatusID']).where('ClientID', '=', found.id).executeTakeFirstOrThrow();
  }

  async #latestAffiliate(trx: Trx): Promise<number | null> {
    const row = await trx
      .selectFrom('dbo.Employee')
      .select((eb) => eb.fn.max('EmployeeID').as('id'))
      .where('TeamRoleID', '=', AFFILIATE_ROLE)
      .executeTakeFirst();
    return row?.id ?? null;
  }
}
