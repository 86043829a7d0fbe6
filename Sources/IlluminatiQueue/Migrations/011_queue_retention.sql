-- Retention: finished work does not pile up forever. The history of a build that is over
-- (succeeded or cancelled) goes once the build finished longer ago than the retention age;
-- attempt errors go once they are older than that age, except the errors of live jobs and
-- dead letters, and every error of a build that still has a dead letter (those stay until the
-- job is retried or cancelled, or the build is deleted). Live jobs and dead letters are never
-- pruned. The reaper prunes one small batch per sweep; `illuminati prune` prunes every batch.
--
-- The age is the database setting `illuminati.history_retention` (an interval, default
-- 7 days), so that every reaper — the coordinator's and each worker's — uses the same one:
--   ALTER DATABASE illuminati SET illuminati.history_retention = '14 days';

-- When the build's history was first pruned: it cannot be restarted any more (a restart
-- re-runs its jobs from their history rows).
ALTER TABLE builds ADD COLUMN IF NOT EXISTS history_pruned_at timestamptz;

-- Pruning finds old errors by age; the exported gauges read each live build's latest and
-- recent completions (Queries/metrics.sql).
CREATE INDEX IF NOT EXISTS job_errors_at ON job_errors (at);
CREATE INDEX IF NOT EXISTS job_history_build_finished ON job_history (build_id, finished_at);

CREATE OR REPLACE FUNCTION queue_history_retention() RETURNS interval
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('illuminati.history_retention', true), '')::interval, interval '7 days')
$$;

-- History rows that may go: those of builds over for longer than `older_than`.
CREATE OR REPLACE FUNCTION queue_expired_history(older_than interval) RETURNS TABLE (row_id tid, build_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT h.ctid, h.build_id
    FROM builds b JOIN job_history h ON h.build_id = b.id
    WHERE b.state IN ('succeeded', 'cancelled') AND b.finished_at < now() - older_than
$$;

-- Error rows that may go: older than `older_than`, of a job that is neither live nor a dead
-- letter, in a build without dead letters.
CREATE OR REPLACE FUNCTION queue_expired_errors(older_than interval) RETURNS TABLE (row_id tid)
LANGUAGE sql STABLE AS $$
    SELECT e.ctid
    FROM job_errors e
    WHERE e.at < now() - older_than
      AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = e.job_id)
      AND NOT EXISTS (SELECT 1 FROM jobs d WHERE d.build_id = e.build_id AND d.state = 'failed')
$$;

-- What pruning at this age would remove (NULL: the setting's age).
CREATE OR REPLACE FUNCTION queue_prunable(older_than interval DEFAULT NULL, OUT history bigint, OUT errors bigint)
LANGUAGE sql STABLE AS $$
    SELECT (SELECT count(*) FROM queue_expired_history(coalesce(older_than, queue_history_retention()))),
           (SELECT count(*) FROM queue_expired_errors(coalesce(older_than, queue_history_retention())))
$$;

-- Removes at most `max_rows` history rows and `max_rows` error rows past the age (NULL: the
-- setting's age), in one short statement each: the rows are insert-only, so a batch locks
-- only the rows it removes. With `only_if_idle`, a caller finding another pruning does nothing
-- (every reaper calls this; one at a time is enough).
CREATE OR REPLACE FUNCTION queue_prune(max_rows integer, older_than interval DEFAULT NULL, only_if_idle boolean DEFAULT false,
                                       OUT history integer, OUT errors integer)
LANGUAGE plpgsql AS $$
DECLARE
    age interval := coalesce(older_than, queue_history_retention());
BEGIN
    history := 0;
    errors := 0;
    IF only_if_idle AND NOT pg_try_advisory_xact_lock(7243419110528203) THEN RETURN; END IF;
    WITH gone AS (
        DELETE FROM job_history h
        WHERE h.ctid = ANY (ARRAY(SELECT x.row_id FROM queue_expired_history(age) x LIMIT max_rows))
        RETURNING h.build_id
    ), marked AS (
        UPDATE builds b SET history_pruned_at = now()
        WHERE b.id IN (SELECT DISTINCT g.build_id FROM gone g) AND b.history_pruned_at IS NULL
    )
    SELECT count(*) INTO history FROM gone;
    DELETE FROM job_errors e
    WHERE e.ctid = ANY (ARRAY(SELECT x.row_id FROM queue_expired_errors(age) x LIMIT max_rows));
    GET DIAGNOSTICS errors = ROW_COUNT;
END $$;

-- A build whose history was pruned never runs again (SQLSTATE IL001): its finished jobs are
-- gone, so `illuminati.restart_build`, which sets the build back to planned, would run nothing.
CREATE OR REPLACE FUNCTION queue_refuse_pruned_restart() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the history of build % was pruned', OLD.id USING ERRCODE = 'IL001';
END $$;
CREATE OR REPLACE TRIGGER builds_refuse_pruned_restart BEFORE UPDATE OF state ON builds
FOR EACH ROW WHEN (NEW.state = 'planned' AND OLD.state <> 'planned' AND OLD.history_pruned_at IS NOT NULL)
EXECUTE FUNCTION queue_refuse_pruned_restart();
