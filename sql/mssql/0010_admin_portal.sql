-- The admin portal (/admin). A browser session is a row, not process memory, so several service
-- instances behind one address share sign-ins, sign-out ends the session everywhere at once, and
-- revoking the API key that opened it ends it too (the session references the key).
-- SessionHash: SHA-256 of the cookie's random token (the token itself is never stored).
-- CsrfToken: the value every portal form must send back with a state-changing request.
-- LastSeenUtc: the idle expiry (admin.sessionIdleMinutes) runs from it.
CREATE TABLE integration.AdminSession (
  SessionHash nchar(64)     NOT NULL CONSTRAINT PK_AdminSession PRIMARY KEY CLUSTERED,
  ApiKeyId    bigint        NOT NULL CONSTRAINT FK_AdminSession_ApiKey REFERENCES integration.ApiKey (ApiKeyId) ON DELETE CASCADE,
  CsrfToken   nvarchar(64)  NOT NULL,
  CreatedUtc  datetime2(3)  NOT NULL CONSTRAINT DF_AdminSession_CreatedUtc DEFAULT SYSUTCDATETIME(),
  LastSeenUtc datetime2(3)  NOT NULL
);
GO
-- Expired sessions are deleted by age.
CREATE NONCLUSTERED INDEX IX_AdminSession_LastSeenUtc ON integration.AdminSession (LastSeenUtc);
-- The portal's event list within a time range, newest first (keyset on CreatedUtc, EventId), and
-- the overview's events per type over 24 h, counted from this index alone.
CREATE NONCLUSTERED INDEX IX_OutboxEvent_CreatedUtc_Id ON integration.OutboxEvent (CreatedUtc, EventId) INCLUDE (EventType);
GO
