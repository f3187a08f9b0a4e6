import { defineSource, type SourceObject } from './source-object.js';

/** The CRM objects the ten events come from (docs/source-contract.md), each read by its key. */
export const clients = defineSource({
  name: 'dbo.Client',
  key: 'c.ClientID',
  dateColumn: 'c.CreatedDate',
  select: (db) =>
    db
      .selectFrom('dbo.Client as c')
      .innerJoin('dbo.ClientStatus as s', 's.StatusID', 'c.StatusID')
      .leftJoin('dbo.Employee as e', 'e.EmployeeID', 'c.EmployeeID')
      .select(['c.ClientID as key', 'c.ClientID', 'c.FirstName', 'c.LastName', 'c.Email', 'c.Phone', 'c.StatusID', 's.StatusName'])
      .select(['c.EmployeeID', 'e.FullName as EmployeeName', 'c.AffiliateID', 'c.LeadSource', 'c.CreatedDate']),
});

export const clientStatusHistory = defineSource({
  name: 'dbo.ClientStatusHistory',
  key: 'h.ClientStatusHistoryID',
  dateColumn: 'h.ChangedDate',
  select: (db) =>
    db
      .selectFrom('dbo.ClientStatusHistory as h')
      .leftJoin('dbo.ClientStatus as p', 'p.StatusID', 'h.PreviousStatusID')
      .leftJoin('dbo.ClientStatus as n', 'n.StatusID', 'h.StatusID')
      .select([
        'h.ClientStatusHistoryID as key',
        'h.ClientStatusHistoryID',
        'h.ClientID',
        'h.PreviousStatusID',
        'p.StatusName as PreviousStatus',
      ])
      .select(['h.StatusID', 'n.StatusName as NewStatus', 'h.ChangedDate', 'h.ChangedByEmployeeID', 'h.StatusNote']),
});

export const employees = defineSource({
  name: 'dbo.Employee',
  key: 'e.EmployeeID',
  dateColumn: 'e.CreatedDate',
  select: (db) =>
    db
      .selectFrom('dbo.Employee as e')
      .leftJoin('dbo.TeamRole as r', 'r.TeamRoleID', 'e.TeamRoleID')
      .select(['e.EmployeeID as key', 'e.EmployeeID', 'e.FullName', 'e.Email', 'e.Phone', 'r.RoleName', 'e.IsActive'])
      .select(['e.IsApprovedAffiliate', 'e.AffiliateCode', 'e.CreatedDate']),
});

/** Invoices are read from the view, whose InvoiceID is dbo.Invoice's identity. */
export const invoices = defineSource({
  name: 'api.vwInvoiceDetails',
  key: 'v.InvoiceID',
  keyTable: 'dbo.Invoice',
  dateColumn: 'v.CreatedDate',
  select: (db) =>
    db
      .selectFrom('api.vwInvoiceDetails as v')
      .select(['v.InvoiceID as key', 'v.InvoiceID', 'v.ClientID', 'v.Amount', 'v.DueDate', 'v.Description', 'v.InvoiceStatus'])
      .select(['v.TotalPaid', 'v.Balance', 'v.LastPaymentDate', 'v.CreatedDate']),
});

export const payments = defineSource({
  name: 'dbo.InvoicePayment',
  key: 'p.InvoicePaymentID',
  dateColumn: 'p.PaymentDate',
  select: (db) =>
    db
      .selectFrom('dbo.InvoicePayment as p')
      .select(['p.InvoicePaymentID as key', 'p.InvoicePaymentID', 'p.InvoiceID', 'p.ClientID', 'p.Amount', 'p.PaymentMethod'])
      .select(['p.IsSuccessful', 'p.FailureReason', 'p.TransactionID', 'p.PaymentDate']),
});

export const documents = defineSource({
  name: 'dbo.ClientDoc',
  key: 'd.ClientDocID',
  dateColumn: 'd.CreatedDate',
  // DocContent is never read: only the columns below.
  select: (db) =>
    db
      .selectFrom('dbo.ClientDoc as d')
      .leftJoin('dbo.DocType as t', 't.DocTypeID', 'd.DocTypeID')
      .select(['d.ClientDocID as key', 'd.ClientDocID', 'd.ClientID', 'd.DocName', 'd.DocTypeID', 't.DocTypeName', 'd.CreatedDate']),
});

export const agreements = defineSource({
  name: 'dbo.AgreementSigned',
  key: 'a.AgreementSignedID',
  dateColumn: 'a.SignedDate',
  // AgreementTerms.TermsText is never read: only the agreement's name.
  select: (db) =>
    db
      .selectFrom('dbo.AgreementSigned as a')
      .leftJoin('dbo.AgreementTerms as t', 't.TermsID', 'a.TermsID')
      .select(['a.AgreementSignedID as key', 'a.AgreementSignedID', 'a.ClientID', 'a.TermsID', 't.AgreementName', 'a.NameSigned'])
      .select(['a.IPAddress', 'a.SignedDate']),
});

/** Every source object, in the order a cycle visits them (invoices before their payments). */
export const SOURCE_OBJECTS: readonly SourceObject[] = [employees, clients, clientStatusHistory, invoices, payments, documents, agreements];
