-- Change capture: identities the capture skipped because they were not committed yet (late
-- commits), the last invoice status the capture saw per invoice, and backfill positions.

-- A key below a watermark that was missing when the watermark passed it: re-read every cycle
-- until the row appears (a late commit) or the entry is older than capture.gapTimeoutMs (a
-- rollback or a deleted row).
CREATE TABLE integration."CaptureGap" (
  "SourceName"   varchar(100)   NOT NULL,
  "MissingKey"   bigint         NOT NULL,
  "FirstSeenUtc" timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT "PK_CaptureGap" PRIMARY KEY ("SourceName", "MissingKey")
);

-- The view api.vwInvoiceDetails has no change column: the capture keeps what it last saw.
-- Version counts the changes emitted, and makes each invoice.status_changed's source key unique.
CREATE TABLE integration."CaptureInvoiceStatus" (
  "InvoiceID" bigint         NOT NULL PRIMARY KEY,
  "Status"    varchar(20)    NOT NULL,
  "Version"   integer        NOT NULL,
  "SeenUtc"   timestamptz(3) NOT NULL DEFAULT now()
);

-- One row per source object being backfilled: where it resumes and where it stops.
CREATE TABLE integration."CaptureBackfill" (
  "SourceName" varchar(100)   NOT NULL PRIMARY KEY,
  "Since"      varchar(10)    NOT NULL,
  "EventTypes" varchar(2000)  NOT NULL,
  "NextKey"    bigint         NOT NULL,
  "EndKey"     bigint         NOT NULL,
  "UpdatedUtc" timestamptz(3) NOT NULL DEFAULT now()
);
