-- Chain integrity (issue #12, finding 7). Applied by src/store/migrate.ts as the owner, in one
-- transaction, under an advisory lock.
--
-- 1. (tenant, seq) is unique across the whole store. A UNIQUE index on the partitioned
--    audit.events would have to include the partition column (occurred_at), which makes it
--    unique per instant, not per tenant and seq. So every stored link also gets a row in
--    audit.chain_links, one non-partitioned table keyed by (tenant_id, seq), written by a
--    trigger in the statement that inserts the events: a second row with a seq already
--    stored (through the sink, or inserted directly) fails the whole statement with a
--    unique_violation, whichever month it claims.
-- 2. The sink recognises a redelivered event by (tenant, eventId) in the same table, whatever
--    occurredAt it carries (a producer that rebuilds an event records it at a new time).
-- 3. The EHR's claimed time of an act is kept in its own column; occurred_at is the time the
--    CareRelay service recorded it and is what partitions, orders and expires events.

CREATE TABLE audit.chain_links (
  tenant_id text COLLATE "C" NOT NULL,
  seq       bigint           NOT NULL,
  event_id  text COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
-- Not unique: stores written before this migration may hold one eventId at two occurred_at.
CREATE INDEX chain_links_event ON audit.chain_links (tenant_id, event_id);

-- Links of the events already stored. A seq stored twice could only come from tampering:
-- the first row (by event_id) gets the link, and verification names the other.
INSERT INTO audit.chain_links (tenant_id, seq, event_id)
SELECT DISTINCT ON (tenant_id, seq) tenant_id, seq, event_id
  FROM audit.events
 ORDER BY tenant_id, seq, event_id;

-- Runs as the owner: the writer may read links but never write or remove one itself.
CREATE FUNCTION audit.link_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO audit.chain_links (tenant_id, seq, event_id)
  SELECT tenant_id, seq, event_id FROM inserted_events;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION audit.link_events() FROM PUBLIC;

-- One statement-level trigger on the parent sees the rows of every partition the statement
-- (INSERT or the sink's COPY) wrote: one INSERT … SELECT per batch, not one per row.
CREATE TRIGGER events_unique_links AFTER INSERT ON audit.events
  REFERENCING NEW TABLE AS inserted_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit.link_events();

-- Links are append-only too; retention keeps them (a few dozen bytes per event), so a seq or
-- an eventId is never reused, even after its month was dropped.
CREATE TRIGGER chain_links_append_only BEFORE UPDATE OR DELETE ON audit.chain_links
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER chain_links_no_truncate BEFORE TRUNCATE ON audit.chain_links
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

REVOKE ALL ON audit.chain_links FROM PUBLIC;
GRANT SELECT ON audit.chain_links TO carerelay_audit_writer, carerelay_audit_reader;

-- Nullable, no default: a catalog-only change, whatever the size of the store.
ALTER TABLE audit.events ADD COLUMN ehr_occurred_at timestamptz;
