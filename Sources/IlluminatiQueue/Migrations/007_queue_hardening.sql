-- Queue hardening: a job that keeps killing its workers is dead-lettered, progress counts only
-- the current run of a restarted build, and a cleaned-up build is closed for good.

-- How many attempts of this job ended with its worker dead (reaped for a silent lease, or
-- released by an operator) since it was last retried or restarted. Such attempts are not
-- failures the job reported, so they are counted apart: after queue_max_lost_leases() of them
-- the job is dead-lettered, whatever attempts are left, so one job that crashes every worker
-- that runs it cannot take the fleet down one worker after another.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS lost_leases smallint NOT NULL DEFAULT 0;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'lost_leases_within_attempts') THEN
        ALTER TABLE jobs ADD CONSTRAINT lost_leases_within_attempts CHECK (lost_leases BETWEEN 0 AND attempt);
    END IF;
END $$;

-- When `cleanup` removed the build's pyramids and map objects. A cleaned-up build is over: it
-- is never resumed or restarted (its outputs are gone); `init` plans a new one.
ALTER TABLE builds ADD COLUMN IF NOT EXISTS cleaned_up_at timestamptz;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'cleaned_up_when_finished') THEN
        ALTER TABLE builds ADD CONSTRAINT cleaned_up_when_finished
            CHECK (cleaned_up_at IS NULL OR state IN ('succeeded', 'cancelled'));
    END IF;
END $$;

CREATE OR REPLACE FUNCTION queue_max_lost_leases() RETURNS smallint LANGUAGE sql IMMUTABLE AS $$ SELECT 3::smallint $$;

-- The dead letter's error once a job's workers died `lost` times, naming those attempts (the
-- earlier ones are in job_errors, the last one is `attempt`).
CREATE OR REPLACE FUNCTION queue_worker_died_error(job bigint, attempt smallint, lost integer) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT 'a worker died while running this job (attempts '
           || (SELECT string_agg(a::text, ', ' ORDER BY n DESC)
               FROM (SELECT queue_worker_died_error.attempt AS a, 0::bigint AS n
                     UNION ALL
                     SELECT * FROM (SELECT e.attempt, row_number() OVER (ORDER BY e.at DESC, e.attempt DESC)
                                    FROM job_errors e
                                    WHERE e.job_id = queue_worker_died_error.job AND e.kind = 'lease_lost'
                                    ORDER BY e.at DESC, e.attempt DESC
                                    LIMIT greatest(lost - 1, 0)) earlier) lost_attempts)
           || ')'
$$;

-- As in 003, and a lost lease is counted: the job is dead-lettered at the last one allowed.
CREATE OR REPLACE FUNCTION queue_reap(max_jobs integer DEFAULT 1000)
RETURNS TABLE (job_id bigint, build_id bigint, attempt smallint, worker_id uuid, reason text, new_state text)
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7243419110528202) THEN RETURN; END IF;
    RETURN QUERY
    WITH victims AS (
        SELECT j.id, j.worker_id AS owner,
               CASE WHEN w.id IS NULL THEN 'lease_lost'
                    WHEN w.last_seen < now() - w.lease THEN 'lease_lost'
                    ELSE 'deadline' END AS why
        FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id
        WHERE j.state = 'running'
          AND (w.id IS NULL OR w.last_seen < now() - w.lease OR j.deadline_at < now() - w.lease)
        ORDER BY j.id
        LIMIT max_jobs
        FOR NO KEY UPDATE OF j SKIP LOCKED
    ), reaped AS (
        UPDATE jobs j
        SET state = queue_requeue_state(j.attempt, j.max_attempts, v.why = 'lease_lost' AND j.lost_leases + 1 >= queue_max_lost_leases(),
                                        j.cancel_requested, b.state),
            -- A dead worker's job did not fail: it runs again at once (until its workers died
            -- too often). A job past its deadline backs off.
            run_at = now() + CASE v.why WHEN 'lease_lost' THEN interval '0'
                                        ELSE queue_backoff(j.attempt, b.backoff_base, b.backoff_cap) END,
            rescue_count = j.rescue_count + 1,
            lost_leases = j.lost_leases + CASE v.why WHEN 'lease_lost' THEN 1 ELSE 0 END,
            last_error = CASE WHEN v.why = 'deadline' THEN 'deadline exceeded (worker alive but the job ran past its deadline)'
                              WHEN j.lost_leases + 1 >= queue_max_lost_leases()
                                  THEN queue_worker_died_error(j.id, j.attempt, j.lost_leases + 1)
                              ELSE 'lease lost: the worker stopped sending heartbeats' END,
            worker_id = NULL, claimed_at = NULL, deadline_at = NULL
        FROM victims v, builds b
        WHERE j.id = v.id AND b.id = j.build_id AND j.state = 'running'
        RETURNING j.id, j.build_id, j.attempt, v.owner, v.why, j.state, j.last_error
    ), logged AS (
        INSERT INTO job_errors (job_id, build_id, attempt, worker_id, kind, message)
        SELECT r.id, r.build_id, r.attempt, r.owner, r.why, r.last_error FROM reaped r
        RETURNING 1
    )
    SELECT r.id, r.build_id, r.attempt, r.owner, r.why, r.state FROM reaped r;

    PERFORM queue_purge_cancelled();
    DELETE FROM workers w WHERE w.last_seen < now() - greatest(w.lease * 10, interval '10 minutes');
END $$;

-- As in 003; an operator saying a worker is dead counts a lost lease like the reaper does.
CREATE OR REPLACE FUNCTION illuminati.release_worker(worker uuid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    released integer;
BEGIN
    WITH victims AS (
        SELECT j.id FROM jobs j WHERE j.worker_id = release_worker.worker AND j.state = 'running'
        FOR NO KEY UPDATE
    ), freed AS (
        UPDATE jobs j
        SET state = queue_requeue_state(j.attempt, j.max_attempts, j.lost_leases + 1 >= queue_max_lost_leases(),
                                        j.cancel_requested, b.state),
            run_at = now(), rescue_count = j.rescue_count + 1, lost_leases = j.lost_leases + 1,
            last_error = CASE WHEN j.lost_leases + 1 >= queue_max_lost_leases()
                                  THEN queue_worker_died_error(j.id, j.attempt, j.lost_leases + 1)
                              ELSE 'lease lost: worker released by an operator' END,
            worker_id = NULL, claimed_at = NULL, deadline_at = NULL
        FROM victims v, builds b
        WHERE j.id = v.id AND b.id = j.build_id
        RETURNING j.id, j.build_id, j.attempt, j.last_error
    ), logged AS (
        INSERT INTO job_errors (job_id, build_id, attempt, worker_id, kind, message)
        SELECT f.id, f.build_id, f.attempt, release_worker.worker, 'lease_lost', f.last_error FROM freed f
        RETURNING 1
    )
    SELECT count(*) INTO released FROM logged;
    DELETE FROM workers WHERE id = release_worker.worker;
    IF released > 0 THEN PERFORM pg_notify('illuminati_jobs', ''); END IF;
    RETURN released;
END $$;

-- As in 003; a retried job also gets its lost leases back.
CREATE OR REPLACE FUNCTION illuminati.retry_failed(build bigint, level integer DEFAULT NULL, layer text DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    b builds%ROWTYPE;
    retried integer;
BEGIN
    SELECT * INTO b FROM builds WHERE id = retry_failed.build FOR NO KEY UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no build %', retry_failed.build USING ERRCODE = 'no_data_found'; END IF;
    UPDATE jobs j
    SET state = CASE WHEN b.state = 'running' THEN 'available' ELSE 'held' END,
        run_at = now(), max_attempts = least(j.attempt + b.max_attempts, 32767), lost_leases = 0
    WHERE j.build_id = b.id AND j.state = 'failed'
      AND (retry_failed.level IS NULL OR j.level = retry_failed.level)
      AND (retry_failed.layer IS NULL OR j.layer = retry_failed.layer);
    GET DIAGNOSTICS retried = ROW_COUNT;
    IF retried > 0 THEN PERFORM pg_notify('illuminati_jobs', ''); END IF;
    RETURN retried;
END $$;

-- As in 003, with lost leases reset, and refused for a cleaned-up build (its outputs are gone;
-- `init` plans a new build).
CREATE OR REPLACE FUNCTION illuminati.restart_build(build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    b builds%ROWTYPE;
    restarted integer;
BEGIN
    SELECT * INTO b FROM builds WHERE id = restart_build.build FOR NO KEY UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no build %', restart_build.build USING ERRCODE = 'no_data_found'; END IF;
    IF b.cleaned_up_at IS NOT NULL THEN
        RAISE EXCEPTION 'build % was cleaned up', b.id USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE jobs SET state = 'waiting', attempt = 0, lost_leases = 0, max_attempts = b.max_attempts, run_at = now(),
                    worker_id = NULL, claimed_at = NULL, deadline_at = NULL, cancel_requested = false
    WHERE build_id = b.id;
    INSERT INTO jobs (id, build_id, layer, level, state, kind, payload, priority, locality, max_runtime, max_attempts)
    OVERRIDING SYSTEM VALUE
    SELECT DISTINCT ON (h.job_id) h.job_id, h.build_id, h.layer, h.level, 'waiting', h.kind, h.payload,
           h.priority, h.locality, h.max_runtime, b.max_attempts
    FROM job_history h
    WHERE h.build_id = b.id AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = h.job_id)
    ORDER BY h.job_id, h.finished_at DESC;
    SELECT count(*) INTO restarted FROM jobs WHERE build_id = b.id;
    UPDATE build_levels SET state = 'waiting', released_at = NULL, finished_at = NULL WHERE build_id = b.id;
    UPDATE builds SET state = 'planned', started_at = NULL, finished_at = NULL WHERE id = b.id;
    PERFORM queue_start_build(b.id);
    RETURN restarted;
END $$;

-- Ops: `cleanup` is about to remove the build's outputs: a live build is cancelled, and the
-- build is marked cleaned up. Returns how many jobs the cancel touched.
CREATE OR REPLACE FUNCTION illuminati.cleanup_build(build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    cancelled integer;
BEGIN
    PERFORM 1 FROM builds WHERE id = cleanup_build.build FOR NO KEY UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no build %', cleanup_build.build USING ERRCODE = 'no_data_found'; END IF;
    cancelled := illuminati.cancel(cleanup_build.build);
    UPDATE builds SET cleaned_up_at = coalesce(cleaned_up_at, now()) WHERE id = cleanup_build.build;
    RETURN cancelled;
END $$;

-- As in 003, but a job counts once, by the outcome of its latest run, and not at all while it
-- is live again: after `restart_build` the rows of the earlier runs are history, not progress.
CREATE OR REPLACE VIEW v_level_progress AS
SELECT l.build_id, b.experiment_id, l.layer, l.level, l.state, l.total_jobs,
       coalesce(h.succeeded, 0) AS succeeded, coalesce(h.cancelled, 0) AS cancelled,
       coalesce(q.waiting, 0) AS waiting, coalesce(q.available, 0) AS available,
       coalesce(q.held, 0) AS held, coalesce(q.running, 0) AS running, coalesce(q.failed, 0) AS failed,
       round(coalesce(h.recent, 0) / 300.0, 3) AS jobs_per_s,
       CASE WHEN l.state = 'running' AND coalesce(h.recent, 0) > 0
            THEN make_interval(secs => (coalesce(q.waiting, 0) + coalesce(q.available, 0) + coalesce(q.held, 0)
                                        + coalesce(q.running, 0)) / (h.recent / 300.0))
       END AS eta,
       l.released_at, l.finished_at, l.finished_at - l.released_at AS duration
FROM build_levels l
JOIN builds b ON b.id = l.build_id
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE latest.outcome = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE latest.outcome = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE latest.outcome = 'succeeded' AND latest.finished_at > now() - interval '5 minutes') AS recent
    FROM (SELECT DISTINCT ON (hist.job_id) hist.job_id, hist.outcome, hist.finished_at
          FROM job_history hist
          WHERE hist.build_id = l.build_id AND hist.layer = l.layer AND hist.level = l.level
          ORDER BY hist.job_id, hist.finished_at DESC) latest
    WHERE NOT EXISTS (SELECT 1 FROM jobs live WHERE live.id = latest.job_id)
) h ON true
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE state = 'waiting') AS waiting,
           count(*) FILTER (WHERE state = 'available') AS available,
           count(*) FILTER (WHERE state = 'held') AS held,
           count(*) FILTER (WHERE state = 'running') AS running,
           count(*) FILTER (WHERE state = 'failed') AS failed
    FROM jobs
    WHERE build_id = l.build_id AND layer = l.layer AND level = l.level
) q ON true;
