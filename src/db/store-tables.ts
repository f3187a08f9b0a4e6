import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * The integration schema, owned by this service. Timestamps are UTC (datetime2(3) on SQL Server,
 * timestamptz(3) on PostgreSQL); they are written as Date or ISO strings and read as Date.
 * Every string column is nvarchar on SQL Server, so Kysely's NVarChar parameters never force a
 * conversion scan on an index.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SchemaMigrationTable {
  Version: number;
  Name: string;
  Checksum: string;
  AppliedUtc: CreatedTimestamp;
}

export interface OutboxEventTable {
  EventId: Generated<number>;
  EventType: string;
  /** The source object and its key (e.g. "dbo.Client:42"): with EventType, unique. */
  SourceKey: string;
  CreatedUtc: Timestamp;
  CompanyId: number;
  /** The envelope's payload, JSON text. */
  Payload: string;
  /** The envelope's metadata, JSON text. */
  Metadata: string;
  RecordedUtc: CreatedTimestamp;
  // Commit order (migration 0003): "TxId" xid8 on PostgreSQL, RowVer rowversion on SQL Server.
  // Both are set by the database and read only through dialect.api, so they are not typed here.
}

/** The columns an event's envelope is built from, as read. */
export type OutboxEventRow = Pick<
  Selectable<OutboxEventTable>,
  'EventId' | 'EventType' | 'CreatedUtc' | 'CompanyId' | 'Payload' | 'Metadata'
>;

export interface CaptureWatermarkTable {
  SourceName: string;
  LastKey: number;
  UpdatedUtc: CreatedTimestamp;
}

/** Keys FirstKey..LastKey the watermark passed while they were missing (migration 0005). */
export interface CaptureGapRangeTable {
  SourceName: string;
  FirstKey: number;
  LastKey: number;
  /** When the watermark passed them: the range is given up capture.gapTimeoutMs later. */
  FirstSeenUtc: CreatedTimestamp;
}

/** A key range capture gave up on, still missing after capture.gapTimeoutMs (migration 0005). */
export interface CaptureGapExpiredTable {
  SourceName: string;
  ExpiredUtc: Timestamp;
  FirstKey: number;
  LastKey: number;
  FirstSeenUtc: Timestamp;
}

export interface CaptureInvoiceStatusTable {
  InvoiceID: number;
  /** The InvoiceStatus of api.vwInvoiceDetails the capture last saw. */
  Status: string;
  /** Changes emitted so far: part of each invoice.status_changed's source key. */
  Version: number;
  SeenUtc: CreatedTimestamp;
}

export interface CaptureBackfillTable {
  SourceName: string;
  /** 'YYYY-MM-DD' as given to `outbox backfill --since`. */
  Since: string;
  /** Comma-separated event types asked for. */
  EventTypes: string;
  /** Keys above this one are still to do. */
  NextKey: number;
  /** The live watermark when the backfill started: live capture owns what is above. */
  EndKey: number;
  UpdatedUtc: CreatedTimestamp;
}

export interface WebhookSubscriptionTable {
  SubscriptionId: Generated<number>;
  Url: string;
  /** Lowercase event types, comma-separated; '*' and 'client.*' wildcards allowed. */
  EventTypes: string;
  Description: string | null;
  Secret: string;
  PreviousSecret: string | null;
  PreviousSecretExpiresUtc: Timestamp | null;
  Enabled: ColumnType<boolean, boolean | undefined, boolean>;
  DisabledReason: string | null;
  CreatedUtc: CreatedTimestamp;
  UpdatedUtc: CreatedTimestamp;
  /** When the current run of failed attempts began; NULL after a success (migration 0004). */
  FailingSinceUtc: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The API key that created it; NULL when made outside the API or before migration 0007. */
  OwnerKeyId: ColumnType<number | null, number | null | undefined, number | null>;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

export interface WebhookDeliveryTable {
  DeliveryId: Generated<number>;
  EventId: number;
  SubscriptionId: number;
  Status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  AttemptCount: ColumnType<number, number | undefined, number>;
  NextAttemptUtc: Timestamp;
  LeaseOwner: string | null;
  LeaseExpiresUtc: Timestamp | null;
  LastHttpStatus: number | null;
  LastError: string | null;
  CreatedUtc: CreatedTimestamp;
  CompletedUtc: Timestamp | null;
  /** Set by resend/recover: the retry window runs from it, else from CreatedUtc (migration 0004). */
  RequeuedUtc: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface DeliveryAttemptTable {
  AttemptId: Generated<number>;
  DeliveryId: number;
  SubscriptionId: number;
  EventId: number;
  AttemptNumber: number;
  HttpStatus: number | null;
  /** timeout, dns, refused, tls, ssrf_blocked, ... when no HTTP status came back. */
  ErrorClass: string | null;
  ResponseBody: string | null;
  ElapsedMs: number;
  AttemptedUtc: CreatedTimestamp;
}

export interface ApiKeyTable {
  ApiKeyId: Generated<number>;
  Name: string;
  /** The key's first characters, shown in lists and logs to tell keys apart. */
  Prefix: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  KeyHash: string;
  Scopes: string;
  CreatedUtc: CreatedTimestamp;
  LastUsedUtc: Timestamp | null;
  RevokedUtc: Timestamp | null;
}

export interface AdminSessionTable {
  /** SHA-256 of the session cookie's token, hex (migration 0010). */
  SessionHash: string;
  ApiKeyId: number;
  CsrfToken: string;
  CreatedUtc: CreatedTimestamp;
  LastSeenUtc: Timestamp;
}

export interface StoreTables {
  'integration.SchemaMigration': SchemaMigrationTable;
  'integration.OutboxEvent': OutboxEventTable;
  'integration.CaptureWatermark': CaptureWatermarkTable;
  'integration.CaptureGapRange': CaptureGapRangeTable;
  'integration.CaptureGapExpired': CaptureGapExpiredTable;
  'integration.CaptureInvoiceStatus': CaptureInvoiceStatusTable;
  'integration.CaptureBackfill': CaptureBackfillTable;
  'integration.WebhookSubscription': WebhookSubscriptionTable;
  'integration.WebhookDelivery': WebhookDeliveryTable;
  'integration.DeliveryAttempt': DeliveryAttemptTable;
  'integration.ApiKey': ApiKeyTable;
  'integration.AdminSession': AdminSessionTable;
}
