-- The polling API's commit order. Identity values are taken when a row is inserted, not when its
-- transaction commits, so a poller paging by EventId alone can move past an id whose writer is
-- still open and never see it. Each row records the id of the transaction that wrote it; a page
-- returns only rows whose transaction is older than every transaction still running
-- (pg_snapshot_xmin of the current snapshot), in (TxId, EventId) order, so a cursor only moves
-- past rows that can no longer appear.
-- https://www.postgresql.org/docs/current/functions-info.html#FUNCTIONS-PG-SNAPSHOT
ALTER TABLE integration."OutboxEvent" ADD COLUMN "TxId" xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX "IX_OutboxEvent_TxId_Id" ON integration."OutboxEvent" ("TxId", "EventId");
CREATE INDEX "IX_OutboxEvent_Type_TxId_Id" ON integration."OutboxEvent" ("EventType", "TxId", "EventId");
-- Bearer keys are looked up by their visible prefix, then the hash is compared in constant time.
CREATE INDEX "IX_ApiKey_Prefix" ON integration."ApiKey" ("Prefix");
