import type { Generated } from 'kysely';

/**
 * The CRM's objects (docs/source-contract.md). The service only reads them; the demo
 * simulator is the one writer. Datetime columns hold the CRM server's local wall clock without
 * offset: they read as a 'YYYY-MM-DD HH:mm:ss.SSS' string on PostgreSQL and as a Date whose UTC
 * fields are that wall clock on SQL Server (tedious with useUTC). src/db/wall-clock.ts reads both.
 */
export type WallClock = Date | string;
/** decimal(19,4): a number on both drivers (see the numeric parsers in src/db/connect.ts). */
export type Money = number;

export interface ClientStatusTable {
  StatusID: Generated<number>;
  StatusName: string;
}
export interface TeamRoleTable {
  TeamRoleID: Generated<number>;
  RoleName: string;
}
export interface EmployeeTable {
  EmployeeID: Generated<number>;
  FullName: string;
  Email: string | null;
  Phone: string | null;
  TeamRoleID: number;
  IsActive: boolean;
  IsApprovedAffiliate: boolean;
  AffiliateCode: string | null;
  CreatedDate: WallClock;
}
export interface ClientTable {
  ClientID: Generated<number>;
  FirstName: string;
  LastName: string;
  Email: string | null;
  Phone: string | null;
  StatusID: number;
  EmployeeID: number | null;
  AffiliateID: number | null;
  LeadSource: string | null;
  CreatedDate: WallClock;
}
export interface ClientStatusHistoryTable {
  ClientStatusHistoryID: Generated<number>;
  ClientID: number;
  PreviousStatusID: number | null;
  StatusID: number;
  ChangedDate: WallClock;
  ChangedByEmployeeID: number | null;
  StatusNote: string | null;
}
export interface InvoiceTable {
  InvoiceID: Generated<number>;
  ClientID: number;
  Amount: Money;
  DueDate: WallClock;
  Description: string;
  CreatedDate: WallClock;
}
export interface InvoicePaymentTable {
  InvoicePaymentID: Generated<number>;
  InvoiceID: number;
  ClientID: number;
  Amount: Money;
  PaymentMethod: string;
  IsSuccessful: boolean;
  FailureReason: string | null;
  TransactionID: string | null;
  PaymentDate: WallClock;
}
export interface InvoiceDetailsView {
  InvoiceID: number;
  ClientID: number;
  Amount: Money;
  DueDate: WallClock;
  Description: string;
  InvoiceStatus: 'Paid' | 'Partial' | 'Unpaid' | 'Failed';
  TotalPaid: Money;
  Balance: Money;
  LastPaymentDate: WallClock | null;
  CreatedDate: WallClock;
}
export interface DocTypeTable {
  DocTypeID: Generated<number>;
  DocTypeName: string;
}
export interface ClientDocTable {
  ClientDocID: Generated<number>;
  ClientID: number;
  DocName: string;
  DocTypeID: number;
  /** Never read by the service: only the simulator writes it. */
  DocContent: Uint8Array | null;
  CreatedDate: WallClock;
}
export interface AgreementTermsTable {
  TermsID: Generated<number>;
  AgreementName: string;
  TermsText: string | null;
}
export interface AgreementSignedTable {
  AgreementSignedID: Generated<number>;
  ClientID: number;
  TermsID: number;
  NameSigned: string;
  IPAddress: string | null;
  SignedDate: WallClock;
}

export interface SourceTables {
  'dbo.ClientStatus': ClientStatusTable;
  'dbo.TeamRole': TeamRoleTable;
  'dbo.Employee': EmployeeTable;
  'dbo.Client': ClientTable;
  'dbo.ClientStatusHistory': ClientStatusHistoryTable;
  'dbo.Invoice': InvoiceTable;
  'dbo.InvoicePayment': InvoicePaymentTable;
  'api.vwInvoiceDetails': InvoiceDetailsView;
  'dbo.DocType': DocTypeTable;
  'dbo.ClientDoc': ClientDocTable;
  'dbo.AgreementTerms': AgreementTermsTable;
  'dbo.AgreementSigned': AgreementSignedTable;
}
