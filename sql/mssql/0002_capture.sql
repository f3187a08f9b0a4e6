-- Change capture: identities the capture skipped because they were not committed yet (late
-- commits), the last invoice status the capture saw per invoice, and backfill positions.

-- A key below a watermark that was missing when the watermark passed it: re-read every cycle
-- until the row appears (a late commit) or the entry is older than capture.gapTimeoutMs (a
-- rollback or a deleted row).
CREATE TABLE integration.CaptureGap (
  SourceName   nvarchar(100) NOT NULL,
  MissingKey   bigint        NOT NULL,
  FirstSeenUtc datetime2(3)  NOT NULL CONSTRAINT DF_CaptureGap_FirstSeenUtc DEFAULT SYSUTCDATETIME(),
  CONSTRAINT PK_CaptureGap PRIMARY KEY CLUSTERED (SourceName, MissingKey)
);
GO

-- The view api.vwInvoiceDetails has no change column: the capture keeps what it last saw.
-- Version counts the changes emitted, and makes each invoice.status_changed's source key unique.
CREATE TABLE integration.CaptureInvoiceStatus (
  InvoiceID bigint        NOT NULL CONSTRAINT PK_CaptureInvoiceStatus PRIMARY KEY CLUSTERED,
  Status    nvarchar(20)  NOT NULL,
  Version   int           NOT NULL,
  SeenUtc   datetime2(3)  NOT NULL CONSTRAINT DF_CaptureInvoiceStatus_SeenUtc DEFAULT SYSUTCDATETIME()
);
GO

-- One row per source object being backfilled: where it resumes and where it stops.
CREATE TABLE integration.CaptureBackfill (
  SourceName nvarchar(100)  NOT NULL CONSTRAINT PK_CaptureBackfill PRIMARY KEY CLUSTERED,
  Since      nvarchar(10)   NOT NULL,
  EventTypes nvarchar(2000) NOT NULL,
  NextKey    bigint         NOT NULL,
  EndKey     bigint         NOT NULL,
  UpdatedUtc datetime2(3)   NOT NULL CONSTRAINT DF_CaptureBackfill_UpdatedUtc DEFAULT SYSUTCDATETIME()
);
GO
