-- A step of a layer's chain is a *stage* of the build (statistics partials, their merge, a
-- pyramid stage that renders several zoom levels, the layer's finish), not a *level*, a word
-- that stays the pyramid's zoom level. The barrier's table, columns, indexes and constraints
-- are renamed, and every function and view that names them is made again from its latest
-- definition (003, 006, 007) with the new names: a plpgsql or sql body is stored as text, so a
-- renamed column would break it at its next call. The old-named functions and views go.
--
-- `illuminati.retry_failed(build, stage := …, layer := …)` keeps its argument types and order;
-- only the name of its second argument changes (it was `level`).

DO $$ BEGIN
    IF to_regclass('build_levels') IS NOT NULL AND to_regclass('build_stages') IS NULL THEN
        ALTER TABLE build_levels RENAME TO build_stages;
        ALTER TABLE build_stages RENAME COLUMN level TO stage;
        ALTER TABLE build_stages RENAME CONSTRAINT build_levels_pkey TO build_stages_pkey;
        ALTER TABLE build_stages RENAME CONSTRAINT build_levels_build_id_fkey TO build_stages_build_id_fkey;
        ALTER TABLE build_stages RENAME CONSTRAINT build_levels_layer_check TO build_stages_layer_check;
        ALTER TABLE build_stages RENAME CONSTRAINT build_levels_level_check TO build_stages_stage_check;
        ALTER TABLE build_stages RENAME CONSTRAINT build_levels_state_check TO build_stages_state_check;
        ALTER TABLE build_stages RENAME CONSTRAINT build_levels_total_jobs_check TO build_stages_total_jobs_check;
        ALTER TABLE build_stages RENAME CONSTRAINT dependencies_on_first_level TO dependencies_on_first_stage;

        ALTER TABLE jobs RENAME COLUMN level TO stage;
        ALTER TABLE jobs RENAME CONSTRAINT jobs_build_id_layer_level_fkey TO jobs_build_id_layer_stage_fkey;
        ALTER INDEX jobs_level RENAME TO jobs_stage;

        ALTER TABLE job_history RENAME COLUMN level TO stage;
        ALTER INDEX job_history_level RENAME TO job_history_stage;
    END IF;
END $$;

-- Views first: a view's output columns keep the names they were made with, and some of these
-- change (v_running's `level` becomes `stage`, which CREATE OR REPLACE cannot do).
DROP VIEW IF EXISTS v_stuck, v_running, v_failed, v_queue, v_level_progress;
DROP FUNCTION IF EXISTS queue_release_level(bigint, text, integer);
DROP FUNCTION IF EXISTS queue_advance_level(bigint, text, integer);
DROP FUNCTION IF EXISTS queue_advance_ready_levels();
-- An argument cannot be renamed in place.
DROP FUNCTION IF EXISTS illuminati.retry_failed(bigint, integer, text);

-- ── The barrier ──────────────────────────────────────────────────────────────────────────

-- Makes a waiting stage's jobs claimable. Callers hold the build row lock.
CREATE OR REPLACE FUNCTION queue_release_stage(p_build bigint, p_layer text, p_stage integer) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    build_state text;
BEGIN
    UPDATE build_stages SET state = 'running', released_at = now()
    WHERE build_id = p_build AND layer = p_layer AND stage = p_stage AND state = 'waiting';
    IF NOT FOUND THEN RETURN false; END IF;
    SELECT state INTO build_state FROM builds WHERE id = p_build;
    UPDATE jobs SET state = CASE WHEN build_state = 'running' THEN 'available' ELSE 'held' END, run_at = now()
    WHERE build_id = p_build AND layer = p_layer AND stage = p_stage AND state = 'waiting';
    IF FOUND THEN
        PERFORM pg_notify('illuminati_jobs', '');
    ELSE
        -- An empty stage is done as soon as it starts.
        PERFORM queue_advance_stage(p_build, p_layer, p_stage);
    END IF;
    RETURN true;
END $$;

-- Releases stage 0 of every waiting layer whose prerequisite layers are all complete.
CREATE OR REPLACE FUNCTION queue_release_ready_layers(p_build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    candidate record;
    released integer := 0;
BEGIN
    FOR candidate IN
        SELECT s.layer FROM build_stages s
        WHERE s.build_id = p_build AND s.stage = 0 AND s.state = 'waiting'
          AND NOT EXISTS (SELECT 1 FROM build_stages d
                          WHERE d.build_id = p_build AND d.layer = ANY (s.after_layers) AND d.state <> 'succeeded')
        ORDER BY s.layer
    LOOP
        IF queue_release_stage(p_build, candidate.layer, 0) THEN released := released + 1; END IF;
    END LOOP;
    RETURN released;
END $$;

-- The barrier. When no job of (build, layer, stage) is left — none live, none dead-lettered —
-- marks the stage succeeded and releases the next one in the same transaction; after a
-- layer's last stage, releases the layers waiting for it, and finishes the build when every
-- stage has succeeded. Returns true for the one caller that advanced the stage.
--
-- Advancers of a build are serialised by its row lock, and every statement below takes a new
-- snapshot (READ COMMITTED), so the emptiness check sees all completions committed before
-- the lock was granted: two racing coordinators or workers advance a stage exactly once.
CREATE OR REPLACE FUNCTION queue_advance_stage(p_build bigint, p_layer text, p_stage integer) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    build_state text;
BEGIN
    SELECT state INTO build_state FROM builds WHERE id = p_build FOR NO KEY UPDATE;
    IF build_state IS NULL OR build_state NOT IN ('running', 'paused') THEN RETURN false; END IF;
    PERFORM 1 FROM build_stages
    WHERE build_id = p_build AND layer = p_layer AND stage = p_stage AND state = 'running';
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM jobs WHERE build_id = p_build AND layer = p_layer AND stage = p_stage;
    IF FOUND THEN RETURN false; END IF;

    UPDATE build_stages SET state = 'succeeded', finished_at = now()
    WHERE build_id = p_build AND layer = p_layer AND stage = p_stage;
    PERFORM pg_notify('illuminati_progress', p_build::text);

    IF EXISTS (SELECT 1 FROM build_stages WHERE build_id = p_build AND layer = p_layer AND stage = p_stage + 1) THEN
        PERFORM queue_release_stage(p_build, p_layer, p_stage + 1);
    ELSE
        PERFORM queue_release_ready_layers(p_build);
        IF NOT EXISTS (SELECT 1 FROM build_stages WHERE build_id = p_build AND state <> 'succeeded') THEN
            UPDATE builds SET state = 'succeeded', finished_at = now() WHERE id = p_build;
        END IF;
    END IF;
    RETURN true;
END $$;

-- Advances every running stage that has no job left (completions whose post-commit check
-- was lost to a crash). Called by the reaper; cheap: it looks at build_stages only.
CREATE OR REPLACE FUNCTION queue_advance_ready_stages() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    candidate record;
    advanced integer := 0;
BEGIN
    FOR candidate IN
        SELECT s.build_id, s.layer, s.stage FROM build_stages s JOIN builds b ON b.id = s.build_id
        WHERE s.state = 'running' AND b.state IN ('running', 'paused')
          AND NOT EXISTS (SELECT 1 FROM jobs j
                          WHERE j.build_id = s.build_id AND j.layer = s.layer AND j.stage = s.stage)
        ORDER BY s.build_id, s.layer, s.stage
    LOOP
        IF queue_advance_stage(candidate.build_id, candidate.layer, candidate.stage) THEN
            advanced := advanced + 1;
        END IF;
    END LOOP;
    RETURN advanced;
END $$;

-- planned → running: releases the first stage of every layer that waits for no other layer.
CREATE OR REPLACE FUNCTION queue_start_build(p_build bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE builds SET state = 'running', started_at = now() WHERE id = p_build AND state = 'planned';
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM queue_release_ready_layers(p_build);
    IF NOT EXISTS (SELECT 1 FROM build_stages WHERE build_id = p_build AND state <> 'succeeded') THEN
        UPDATE builds SET state = 'succeeded', finished_at = now() WHERE id = p_build AND state = 'running';
    END IF;
    RETURN true;
END $$;

-- Moves the not-running jobs of cancelled builds to the history.
CREATE OR REPLACE FUNCTION queue_purge_cancelled() RETURNS integer
LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM jobs j USING builds b
        WHERE b.id = j.build_id AND b.state = 'cancelled' AND j.state <> 'running'
        RETURNING j.*
    ), recorded AS (
        INSERT INTO job_history (job_id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
                                 outcome, attempt, worker_id, enqueued_at)
        SELECT id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
               'cancelled', attempt, NULL, created_at
        FROM gone
        RETURNING 1
    )
    SELECT count(*)::integer FROM recorded
$$;

-- ── Operations ───────────────────────────────────────────────────────────────────────────

-- Ops: dead-lettered jobs of a build (optionally one stage, one layer) run again with a fresh
-- set of attempts and lost leases. Returns how many.
CREATE OR REPLACE FUNCTION illuminati.retry_failed(build bigint, stage integer DEFAULT NULL, layer text DEFAULT NULL) RETURNS integer
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
      AND (retry_failed.stage IS NULL OR j.stage = retry_failed.stage)
      AND (retry_failed.layer IS NULL OR j.layer = retry_failed.layer);
    GET DIAGNOSTICS retried = ROW_COUNT;
    IF retried > 0 THEN PERFORM pg_notify('illuminati_jobs', ''); END IF;
    RETURN retried;
END $$;

-- Ops: cancels a build. Jobs not running move to the history as cancelled; running jobs are
-- asked to stop (their workers see it at the next heartbeat). Returns how many jobs.
CREATE OR REPLACE FUNCTION illuminati.cancel(build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    flagged integer;
BEGIN
    UPDATE builds SET state = 'cancelled', finished_at = now()
    WHERE id = cancel.build AND state IN ('planned', 'running', 'paused');
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM builds WHERE id = cancel.build) THEN
            RAISE EXCEPTION 'no build %', cancel.build USING ERRCODE = 'no_data_found';
        END IF;
        RETURN 0;
    END IF;
    UPDATE build_stages SET state = 'cancelled', finished_at = now()
    WHERE build_id = cancel.build AND state IN ('waiting', 'running');
    UPDATE jobs SET cancel_requested = true WHERE build_id = cancel.build AND state = 'running';
    GET DIAGNOSTICS flagged = ROW_COUNT;
    PERFORM pg_notify('illuminati_control', cancel.build::text);
    RETURN flagged + queue_purge_cancelled();
END $$;

-- Ops: gives up on one job that is not running (typically a dead letter): it moves to the
-- history as cancelled, and its stage's barrier no longer waits for it.
CREATE OR REPLACE FUNCTION illuminati.cancel_job(job bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    gone jobs%ROWTYPE;
BEGIN
    DELETE FROM jobs WHERE id = cancel_job.job AND state <> 'running' RETURNING * INTO gone;
    IF NOT FOUND THEN RETURN false; END IF;
    INSERT INTO job_history (job_id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
                             outcome, attempt, worker_id, enqueued_at)
    VALUES (gone.id, gone.build_id, gone.layer, gone.stage, gone.kind, gone.payload, gone.priority,
            gone.locality, gone.max_runtime, 'cancelled', gone.attempt, NULL, gone.created_at);
    PERFORM queue_advance_stage(gone.build_id, gone.layer, gone.stage);
    RETURN true;
END $$;

-- Ops: runs a whole build again from its first stages: every job, done or not, goes back to
-- `waiting` with no attempts or lost leases used (running jobs are fenced out and re-run).
-- Refused for a cleaned-up build (its outputs are gone; `init` plans a new build).
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
    INSERT INTO jobs (id, build_id, layer, stage, state, kind, payload, priority, locality, max_runtime, max_attempts)
    OVERRIDING SYSTEM VALUE
    SELECT DISTINCT ON (h.job_id) h.job_id, h.build_id, h.layer, h.stage, 'waiting', h.kind, h.payload,
           h.priority, h.locality, h.max_runtime, b.max_attempts
    FROM job_history h
    WHERE h.build_id = b.id AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = h.job_id)
    ORDER BY h.job_id, h.finished_at DESC;
    SELECT count(*) INTO restarted FROM jobs WHERE build_id = b.id;
    UPDATE build_stages SET state = 'waiting', released_at = NULL, finished_at = NULL WHERE build_id = b.id;
    UPDATE builds SET state = 'planned', started_at = NULL, finished_at = NULL WHERE id = b.id;
    PERFORM queue_start_build(b.id);
    RETURN restarted;
END $$;

-- ── Views for operators ──────────────────────────────────────────────────────────────────

-- Live jobs by build, layer, stage and state, with the age of the oldest claimable one.
CREATE OR REPLACE VIEW v_queue AS
SELECT j.build_id, j.layer, j.stage, j.state, count(*) AS jobs,
       max(now() - j.run_at) FILTER (WHERE j.state = 'available' AND j.run_at <= now()) AS oldest_ready_age,
       count(*) FILTER (WHERE j.state = 'available' AND j.run_at > now()) AS waiting_backoff
FROM jobs j
GROUP BY j.build_id, j.layer, j.stage, j.state;

-- Every stage of every build: counts by outcome, throughput over the last 5 minutes, ETA. A
-- job counts once, by the outcome of its latest run, and not at all while it is live again:
-- after `restart_build` the rows of the earlier runs are history, not progress.
CREATE OR REPLACE VIEW v_stage_progress AS
SELECT s.build_id, b.experiment_id, s.layer, s.stage, s.state, s.total_jobs,
       coalesce(h.succeeded, 0) AS succeeded, coalesce(h.cancelled, 0) AS cancelled,
       coalesce(q.waiting, 0) AS waiting, coalesce(q.available, 0) AS available,
       coalesce(q.held, 0) AS held, coalesce(q.running, 0) AS running, coalesce(q.failed, 0) AS failed,
       round(coalesce(h.recent, 0) / 300.0, 3) AS jobs_per_s,
       CASE WHEN s.state = 'running' AND coalesce(h.recent, 0) > 0
            THEN make_interval(secs => (coalesce(q.waiting, 0) + coalesce(q.available, 0) + coalesce(q.held, 0)
                                        + coalesce(q.running, 0)) / (h.recent / 300.0))
       END AS eta,
       s.released_at, s.finished_at, s.finished_at - s.released_at AS duration
FROM build_stages s
JOIN builds b ON b.id = s.build_id
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE latest.outcome = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE latest.outcome = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE latest.outcome = 'succeeded' AND latest.finished_at > now() - interval '5 minutes') AS recent
    FROM (SELECT DISTINCT ON (hist.job_id) hist.job_id, hist.outcome, hist.finished_at
          FROM job_history hist
          WHERE hist.build_id = s.build_id AND hist.layer = s.layer AND hist.stage = s.stage
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
    WHERE build_id = s.build_id AND layer = s.layer AND stage = s.stage
) q ON true;

-- What runs where, for how long, and how close to its deadline.
CREATE OR REPLACE VIEW v_running AS
SELECT j.id AS job_id, j.build_id, j.layer, j.stage, j.kind, j.attempt, j.max_attempts,
       j.worker_id, w.hostname, w.pid,
       now() - j.claimed_at AS runtime, j.deadline_at - now() AS time_left,
       now() - w.last_seen AS heartbeat_age, w.lease, j.cancel_requested
FROM jobs j
LEFT JOIN workers w ON w.id = j.worker_id
WHERE j.state = 'running';

-- Exactly what the reaper takes at its next sweep.
CREATE OR REPLACE VIEW v_stuck AS
SELECT r.*, CASE WHEN r.hostname IS NULL THEN 'worker gone'
                 WHEN r.heartbeat_age > r.lease THEN 'heartbeat stale'
                 ELSE 'past deadline' END AS reason
FROM v_running r
WHERE r.hostname IS NULL OR r.heartbeat_age > r.lease OR r.time_left < -r.lease;

-- Dead letters with the last error and every attempt's error.
CREATE OR REPLACE VIEW v_failed AS
SELECT j.id AS job_id, j.build_id, j.layer, j.stage, j.kind, j.payload, j.attempt, j.max_attempts,
       j.rescue_count, j.last_error,
       (SELECT jsonb_agg(jsonb_build_object('attempt', e.attempt, 'kind', e.kind, 'message', e.message,
                                            'worker_id', e.worker_id, 'at', e.at) ORDER BY e.at)
        FROM job_errors e WHERE e.job_id = j.id) AS errors
FROM jobs j
WHERE j.state = 'failed';

-- Table health of the queue: dead tuples and vacuum recency.
CREATE OR REPLACE VIEW v_queue_tables AS
SELECT relname AS table_name, n_live_tup, n_dead_tup, last_autovacuum, autovacuum_count,
       pg_size_pretty(pg_total_relation_size(relid)) AS total_size
FROM pg_stat_user_tables
WHERE relname IN ('jobs', 'job_history', 'job_errors', 'workers', 'builds', 'build_stages');
