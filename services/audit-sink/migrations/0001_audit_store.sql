-- Audit store (issue #6): append-only, per-tenant hash-chained audit events in monthly
-- partitions, review outcomes, chain heads, and the two roles that may touch them.
-- Applied by src/store/migrate.ts as the owner, in one transaction, under an advisory lock.

CREATE SCHEMA IF NOT EXISTS audit;

-- Roles are cluster-global: another database of the same cluster may have created them
-- already, possibly at this very moment.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carerelay_audit_writer') THEN
    BEGIN
      CREATE ROLE carerelay_audit_writer LOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carerelay_audit_reader') THEN
    BEGIN
      CREATE ROLE carerelay_audit_reader LOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END
$$;

-- Rejects every change to an append-only table, whoever asks (superusers included,
-- unless they disable the trigger: verification then names the altered row).
CREATE FUNCTION audit.reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_SCHEMA || '.' || regexp_replace(TG_TABLE_NAME, '^events_y\d{4}m\d{2}$', 'events')
    USING ERRCODE = '42501', HINT = 'audit records are never updated, deleted or truncated';
END
$$;

-- Identifiers are opaque: byte order (COLLATE "C") makes every index comparison a memcmp and
-- keeps the indexes valid across C library upgrades, for the six years they live.
CREATE TABLE audit.events (
  tenant_id        text COLLATE "C"   NOT NULL,
  seq              bigint             NOT NULL,
  event_id         text COLLATE "C"   NOT NULL,
  occurred_at      timestamptz        NOT NULL,
  action           text COLLATE "C"   NOT NULL,
  outcome          text               NOT NULL,
  actor_service    text               NOT NULL,
  actor_user_id    text COLLATE "C",
  actor_role       text,
  client_id        text COLLATE "C",
  purpose_of_use   text,
  task_id          text,
  correlation_id   text,
  recipient        text,
  description      text,
  reason_code      text,
  part2            boolean            NOT NULL,
  model            text,
  template_version text COLLATE "C",
  use_case         text,
  counts           jsonb              NOT NULL,
  hashes           jsonb              NOT NULL,
  prev_hash        char(64)           NOT NULL,
  hash             char(64)           NOT NULL,
  recorded_at      timestamptz        NOT NULL DEFAULT now(),
  -- A redelivered event has the same occurredAt, so the key can include the partition column.
  PRIMARY KEY (tenant_id, event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX events_tenant_seq ON audit.events (tenant_id, seq);
CREATE INDEX events_tenant_client_time ON audit.events (tenant_id, client_id, occurred_at);
CREATE INDEX events_tenant_user_time ON audit.events (tenant_id, actor_user_id, occurred_at);
CREATE INDEX events_tenant_action_time ON audit.events (tenant_id, action, occurred_at);
CREATE INDEX events_tenant_time ON audit.events (tenant_id, occurred_at);
-- Accounting of disclosures: one client's disclosures over six years.
CREATE INDEX events_disclosures ON audit.events (tenant_id, client_id, occurred_at)
  WHERE action = 'PHI_DISCLOSURE';

-- Row triggers on the partitioned parent are cloned onto every partition, present and future.
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
-- Statement triggers are not cloned: each partition gets its own TRUNCATE trigger (below).
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

CREATE TABLE audit.chain_heads (
  tenant_id  text COLLATE "C"   PRIMARY KEY,
  seq        bigint             NOT NULL,
  hash       char(64)           NOT NULL,
  updated_at timestamptz
);

CREATE TABLE audit.review_outcomes (
  event_id                 text COLLATE "C"   NOT NULL,
  task_id                  text               NOT NULL,
  tenant_id                text COLLATE "C"   NOT NULL,
  client_id                text COLLATE "C"   NOT NULL,
  use_case                 text               NOT NULL,
  document_ref             text               NOT NULL,
  reviewer_user_id         text               NOT NULL,
  draft_sha256             text               NOT NULL,
  final_sha256             text               NOT NULL,
  normalized_edit_distance double precision   NOT NULL,
  sections_total           integer            NOT NULL,
  sections_changed         text[]             NOT NULL,
  template_id              text,
  template_version         text COLLATE "C",
  draft_created_at         timestamptz        NOT NULL,
  signed_at                timestamptz        NOT NULL,
  recorded_at              timestamptz        NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, event_id)
);

CREATE INDEX review_outcomes_tenant_signed ON audit.review_outcomes (tenant_id, signed_at);
CREATE INDEX review_outcomes_tenant_template_signed
  ON audit.review_outcomes (tenant_id, template_version, signed_at);

CREATE TRIGGER review_outcomes_append_only BEFORE UPDATE OR DELETE ON audit.review_outcomes
  FOR EACH ROW EXECUTE FUNCTION audit.reject_change();
CREATE TRIGGER review_outcomes_no_truncate BEFORE TRUNCATE ON audit.review_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();

-- Creates the missing monthly partitions from from_month to to_month (inclusive, UTC months),
-- each with its TRUNCATE trigger. Runs as the owner so the writer needs no DDL right.
CREATE FUNCTION audit.ensure_month_partitions(from_month date, to_month date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  first_month date := date_trunc('month', from_month)::date;
  last_month  date := date_trunc('month', to_month)::date;
  m           date;
  part        text;
  created     integer := 0;
BEGIN
  IF from_month IS NULL OR to_month IS NULL OR last_month < first_month THEN
    RAISE EXCEPTION 'invalid month range % .. %', from_month, to_month USING ERRCODE = '22023';
  END IF;
  IF last_month > first_month + interval '120 months' THEN
    RAISE EXCEPTION 'month range % .. % is longer than 10 years', from_month, to_month
      USING ERRCODE = '22023';
  END IF;
  -- Concurrent sinks may ask for the same month: one creates it, the others then find it.
  PERFORM pg_advisory_xact_lock(hashtext('carerelay.audit.partitions'));
  m := first_month;
  WHILE m <= last_month LOOP
    part := format('events_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
    IF to_regclass(format('audit.%I', part)) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE audit.%I PARTITION OF audit.events FOR VALUES FROM (%L) TO (%L)',
        part,
        to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
        to_char(m + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
      EXECUTE format(
        'CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.%I '
        'FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change()',
        part);
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;

-- Drops whole monthly partitions that ended before now() - retention, never less than six
-- years (HIPAA documentation retention). Returns the names of the dropped partitions.
CREATE FUNCTION audit.drop_expired_partitions(retention interval) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  part  record;
  upper timestamptz;
BEGIN
  IF retention IS NULL OR retention < interval '6 years' THEN
    RAISE EXCEPTION 'retention % is under the 6-year minimum', retention USING ERRCODE = '22023';
  END IF;
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
    IF upper < now() - retention THEN
      EXECUTE format('DROP TABLE audit.%I', part.relname);
      RETURN NEXT part.relname;
    END IF;
  END LOOP;
END
$$;

REVOKE ALL ON FUNCTION audit.ensure_month_partitions(date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.drop_expired_partitions(interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.reject_change() FROM PUBLIC;

-- The sink: appends, reads what it needs to deduplicate and chain, moves chain heads.
GRANT USAGE ON SCHEMA audit TO carerelay_audit_writer, carerelay_audit_reader;
GRANT SELECT, INSERT ON audit.events, audit.review_outcomes TO carerelay_audit_writer;
GRANT SELECT, INSERT, UPDATE ON audit.chain_heads TO carerelay_audit_writer;
GRANT EXECUTE ON FUNCTION audit.ensure_month_partitions(date, date) TO carerelay_audit_writer;
-- The compliance API: reads only.
GRANT SELECT ON audit.events, audit.review_outcomes, audit.chain_heads TO carerelay_audit_reader;
