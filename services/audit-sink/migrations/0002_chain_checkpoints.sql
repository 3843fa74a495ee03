-- Retention checkpoints: when retention drops a monthly partition, the links it removes are
-- recorded here first, in the same transaction as the drop, so the retained chain can still
-- be verified end to end and a row deleted by anyone else is still a gap.
-- Applied by src/store/migrate.ts as the owner, in one transaction, under an advisory lock.

-- One row per run of consecutive links of a tenant that one dropped partition held: links
-- first_seq..seq are gone, and `hash` is the hash of link `seq`, which the next retained link
-- must carry as its prev_hash. A tenant's first events give a run starting at seq 1; an event
-- ingested late across a month boundary splits a partition's links into several runs.
CREATE TABLE audit.chain_checkpoints (
  tenant_id         text COLLATE "C"   NOT NULL,
  seq               bigint             NOT NULL,
  hash              char(64)           NOT NULL,
  first_seq         bigint             NOT NULL,
  -- The dropped partition, and the end (exclusive) of its month: the run's events occurred before it.
  dropped_partition text               NOT NULL,
  dropped_until     timestamptz        NOT NULL,
  -- now() - retention when the partition was dropped.
  cutoff            timestamptz        NOT NULL,
  recorded_at       timestamptz        NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq),
  CHECK (first_seq >= 1 AND first_seq <= seq)
);

CREATE TRIGGER chain_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit.chain_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER chain_checkpoints_no_truncate BEFORE TRUNCATE ON audit.chain_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

-- As in 0001 (same signature, so its grants stay), plus: the expired partitions are dropped
-- oldest first under a lock that stops ingestion into them, each after its checkpoints are
-- written. One transaction: a drop never commits without its checkpoints.
CREATE OR REPLACE FUNCTION audit.drop_expired_partitions(retention interval) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  part   record;
  upper  timestamptz;
  cutoff timestamptz;
  locked boolean := false;
BEGIN
  IF retention IS NULL OR retention < interval '6 years' THEN
    RAISE EXCEPTION 'retention % is under the 6-year minimum', retention USING ERRCODE = '22023';
  END IF;
  -- Two retention runs, or a run and a sink creating a partition, never interleave.
  PERFORM pg_advisory_xact_lock(hashtext('carerelay.audit.partitions'));
  cutoff := now() - retention;
  FOR part IN
    SELECT c.relname,
           make_date(substring(c.relname FROM 9 FOR 4)::int, substring(c.relname FROM 14 FOR 2)::int, 1)
             AS month
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'audit.events'::regclass
       AND c.relname ~ '^events_y\d{4}m\d{2}$'
     ORDER BY c.relname
  LOOP
    upper := (part.month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    IF upper < cutoff THEN
      IF NOT locked THEN
        -- The drop locks the parent this way anyway, until commit; taking it before reading
        -- the partition means no insert can land in it between its checkpoints and its drop,
        -- and a verification waits, then sees the drop and its checkpoints together.
        LOCK TABLE ONLY audit.events IN ACCESS EXCLUSIVE MODE;
        locked := true;
      END IF;
      EXECUTE format(
        'INSERT INTO audit.chain_checkpoints '
        '  (tenant_id, first_seq, seq, hash, dropped_partition, dropped_until, cutoff) '
        'SELECT tenant_id, min(seq), max(seq), (array_agg(hash ORDER BY seq DESC))[1], %L, %L, %L '
        '  FROM (SELECT tenant_id, seq, hash, '
        '               seq - row_number() OVER (PARTITION BY tenant_id ORDER BY seq) AS run '
        '          FROM (SELECT DISTINCT ON (tenant_id, seq) tenant_id, seq, hash '
        '                  FROM audit.%I ORDER BY tenant_id, seq, event_id) AS links) AS runs '
        ' GROUP BY tenant_id, run '
        'ON CONFLICT (tenant_id, seq) DO NOTHING',
        part.relname, upper, cutoff, part.relname);
      -- (A conflict means a seq stored twice, which only tampering does: the first run stands.)
      EXECUTE format('DROP TABLE audit.%I', part.relname);
      RETURN NEXT part.relname;
    END IF;
  END LOOP;
END
$$;

REVOKE ALL ON audit.chain_checkpoints FROM PUBLIC;
-- Verification (the compliance API) reads them; only retention, as the owner, writes them.
GRANT SELECT ON audit.chain_checkpoints TO carerelay_audit_reader;
