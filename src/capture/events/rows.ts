import type { Selectable } from 'kysely';
import type { InvoicePaymentTable, Money, WallClock } from '../../db/source-tables.js';

/** The rows the source objects of sources.ts select, as the drivers give them. */
export interface ClientRow {
  ClientID: number;
  FirstName: string;
  LastName: string;
  Email: string | null;
  Phone: string | null;
  StatusID: number;
  StatusName: string;
  EmployeeID: number | null;
  EmployeeName: string | null;
  AffiliateID: number | null;
  LeadSource: string | null;
  CreatedDate: WallClock;
}
export interface StatusHistoryRow {
  ClientStatusHistoryID: number;
  ClientID: number;
  PreviousStatusID: number | null;
  PreviousStatus: string | null;
  StatusID: number;
  NewStatus: string | null;
  ChangedDate: WallClock;
  ChangedByEmployeeID: number | null;
  StatusNote: string | null;
}
export interface EmployeeRow {
  EmployeeID: number;
  FullName: string;
  Email: string | null;
  Phone: string | null;
  RoleName: string | null;
  IsActive: boolean;
  IsApprovedAffiliate: boolean;
  AffiliateCode: string | null;
  CreatedDate: WallClock;
}
export interface InvoiceRow {
  InvoiceID: number;
  ClientID: number;
  Amount: Money;
  DueDate: WallClock;
  Description: string;
  InvoiceStatus: string;
  TotalPaid: Money;
  Balance: Money;
  LastPaymentDate: WallClock | null;
  CreatedDate: WallClock;
}
/** dbo.InvoicePayment's columns, all of them, as read. */
export type PaymentRow = Selectable<InvoicePaymentTable>;
export interface DocumentRow {
  ClientDocID: number;
  ClientID: number;
  DocName: string;
  DocTypeID: number;
  DocTypeName: string | null;
  CreatedDate: WallClock;
}
export interface AgreementRow {
  AgreementSignedID: number;
  ClientID: number;
  TermsID: number;
  AgreementName: string | null;
  NameSigned: string;
  IPAddress: string | null;
  SignedDate: WallClock;
}

/** Lead statuses are those named 'Lead%' (SOURCE-SCHEMA.md). */
export const isLeadStatus = (name: string): boolean => name.toLowerCase().startsWith('lead');
