-- The polling API's commit order. IDENTITY values are taken at insert, not at commit, so a poller
-- paging by EventId alone can move past an id whose writer is still open and never see it. A
-- rowversion column is stamped at write time from a database-wide counter, and
-- MIN_ACTIVE_ROWVERSION() is the lowest value still held by an open transaction: a page returns
-- only rows below it, in RowVer order, so a cursor only moves past rows that can no longer appear.
-- The outbox is append-only, so a row's RowVer never changes after its insert commits.
-- https://learn.microsoft.com/sql/t-sql/functions/min-active-rowversion-transact-sql
ALTER TABLE integration.OutboxEvent ADD RowVer rowversion NOT NULL;
GO
CREATE UNIQUE NONCLUSTERED INDEX IX_OutboxEvent_RowVer ON integration.OutboxEvent (RowVer) INCLUDE (EventType);
CREATE NONCLUSTERED INDEX IX_OutboxEvent_Type_RowVer ON integration.OutboxEvent (EventType, RowVer);
GO
-- Bearer keys are looked up by their visible prefix, then the hash is compared in constant time.
CREATE NONCLUSTERED INDEX IX_ApiKey_Prefix ON integration.ApiKey (Prefix);
GO
