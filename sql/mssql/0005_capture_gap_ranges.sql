-- Late-commit gaps kept as key ranges. A range of keys the watermark passed while they were
-- missing (an open transaction, a rollback, an identity jump) is one row however many keys it
-- holds, so every pending range is re-read each cycle at the cost of one index seek, and the
-- watermark never passes a key that is not tracked. A key that appears is captured and cut out
-- of its range; what is still missing after capture.gapTimeoutMs is read one last time, then
-- moved to CaptureGapExpired.
CREATE TABLE integration.CaptureGapRange (
  SourceName   nvarchar(100) NOT NULL,
  FirstKey     bigint        NOT NULL,
  LastKey      bigint        NOT NULL,
  FirstSeenUtc datetime2(3)  NOT NULL CONSTRAINT DF_CaptureGapRange_FirstSeenUtc DEFAULT SYSUTCDATETIME(),
  CONSTRAINT PK_CaptureGapRange PRIMARY KEY CLUSTERED (SourceName, FirstKey),
  CONSTRAINT CK_CaptureGapRange_Keys CHECK (LastKey >= FirstKey)
);
GO

-- The pending keys of 0002's one-row-per-key table, as ranges of consecutive keys (a run's
-- key minus its rank is constant). A merged range keeps its newest member's time, so no key
-- is given up sooner than it was before.
INSERT INTO integration.CaptureGapRange (SourceName, FirstKey, LastKey, FirstSeenUtc)
SELECT SourceName, MIN(MissingKey), MAX(MissingKey), MAX(FirstSeenUtc)
FROM (
  SELECT SourceName, MissingKey, FirstSeenUtc,
         MissingKey - ROW_NUMBER() OVER (PARTITION BY SourceName ORDER BY MissingKey) AS [Run]
  FROM integration.CaptureGap
) AS runs
GROUP BY SourceName, [Run];
GO

DROP TABLE integration.CaptureGap;
GO

-- Key ranges capture gave up on: missing longer than capture.gapTimeoutMs. Most are rolled-back
-- or deleted rows; a CRM transaction that stayed open longer than the timeout also ends here,
-- and its rows never become events. Shown by `outbox status`; the service logs each as an error.
CREATE TABLE integration.CaptureGapExpired (
  SourceName   nvarchar(100) NOT NULL,
  ExpiredUtc   datetime2(3)  NOT NULL,
  FirstKey     bigint        NOT NULL,
  LastKey      bigint        NOT NULL,
  FirstSeenUtc datetime2(3)  NOT NULL,
  CONSTRAINT PK_CaptureGapExpired PRIMARY KEY CLUSTERED (SourceName, ExpiredUtc, FirstKey)
);
GO
