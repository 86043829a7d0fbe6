-- Retrying dead letters had two copies of its rule: `illuminati.retry_failed`, which counts
-- the jobs it queues again, and the statement behind `illuminati retry` and the dashboard,
-- which names them and can take one job. The rule now lives in `retry_failed_jobs`, which
-- returns the ids; `retry_failed` counts them.

-- Ops: dead-lettered jobs of a build (optionally one stage, one layer, one job) run again with
-- a fresh set of attempts and lost leases, under the build's row lock. Returns their ids.
CREATE OR REPLACE FUNCTION illuminati.retry_failed_jobs(build bigint, stage integer DEFAULT NULL, layer text DEFAULT NULL,
                                                        job bigint DEFAULT NULL) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
DECLARE
    b builds%ROWTYPE;
    retried bigint[];
BEGIN
    SELECT * INTO b FROM builds WHERE id = retry_failed_jobs.build FOR NO KEY UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no build %', retry_failed_jobs.build USING ERRCODE = 'no_data_found'; END IF;
    WITH queued AS (
        UPDATE jobs j
        SET state = CASE WHEN b.state = 'running' THEN 'available' ELSE 'held' END,
            run_at = now(), max_attempts = least(j.attempt + b.max_attempts, 32767), lost_leases = 0
        WHERE j.build_id = b.id AND j.state = 'failed'
          AND (retry_failed_jobs.stage IS NULL OR j.stage = retry_failed_jobs.stage)
          AND (retry_failed_jobs.layer IS NULL OR j.layer = retry_failed_jobs.layer)
          AND (retry_failed_jobs.job IS NULL OR j.id = retry_failed_jobs.job)
        RETURNING j.id
    )
    SELECT coalesce(array_agg(queued.id ORDER BY queued.id), '{}') INTO retried FROM queued;
    IF cardinality(retried) > 0 THEN PERFORM pg_notify('illuminati_jobs', ''); END IF;
    RETURN QUERY SELECT unnest(retried);
END $$;

-- Ops: as before, how many dead letters of a build (optionally one stage, one layer) run again.
CREATE OR REPLACE FUNCTION illuminati.retry_failed(build bigint, stage integer DEFAULT NULL, layer text DEFAULT NULL) RETURNS integer
LANGUAGE sql AS $$
    SELECT count(*)::integer FROM illuminati.retry_failed_jobs(retry_failed.build, retry_failed.stage, retry_failed.layer)
$$;
