-- The job queue's functions and views: the barrier, the reaper, and the operations and views
-- for operators (see 002 for the tables and the state machine). Every function is written for
-- READ COMMITTED and keeps its transaction short.

-- History and errors carry no foreign key (it would lock the build row on every completion).
CREATE OR REPLACE FUNCTION queue_forget_build() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_history WHERE build_id = OLD.id;
    DELETE FROM job_errors WHERE build_id = OLD.id;
    RETURN OLD;
END $$;
CREATE OR REPLACE TRIGGER builds_forget AFTER DELETE ON builds FOR EACH ROW EXECUTE FUNCTION queue_forget_build();

-- Exponential backoff with equal jitter: d = min(cap, base·2^(attempt−1)), delay in [d/2, d].
CREATE OR REPLACE FUNCTION queue_backoff(attempt integer, base interval, cap interval) RETURNS interval
LANGUAGE sql VOLATILE AS $$
    SELECT make_interval(secs => least(extract(epoch FROM cap)::float8,
                                       extract(epoch FROM base)::float8 * power(2::float8, greatest(attempt, 1) - 1))
                                 * (0.5 + random() * 0.5))
$$;

-- Where a job goes when it leaves `running` without finishing.
CREATE OR REPLACE FUNCTION queue_requeue_state(attempt smallint, max_attempts smallint, permanent boolean,
                                    cancel_requested boolean, build_state text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN cancel_requested OR build_state = 'cancelled' THEN 'held'
                WHEN permanent OR attempt >= max_attempts THEN 'failed'
                WHEN build_state = 'running' THEN 'available'
                ELSE 'held' END
$$;

-- Makes a waiting level's jobs claimable. Callers hold the build row lock.
CREATE OR REPLACE FUNCTION queue_release_level(p_build bigint, p_layer text, p_level integer) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    build_state text;
BEGIN
    UPDATE build_levels SET state = 'running', released_at = now()
    WHERE build_id = p_build AND layer = p_layer AND level = p_level AND state = 'waiting';
    IF NOT FOUND THEN RETURN false; END IF;
    SELECT state INTO build_state FROM builds WHERE id = p_build;
    UPDATE jobs SET state = CASE WHEN build_state = 'running' THEN 'available' ELSE 'held' END, run_at = now()
    WHERE build_id = p_build AND layer = p_layer AND level = p_level AND state = 'waiting';
    IF FOUND THEN
        PERFORM pg_notify('illuminati_jobs', '');
    ELSE
        -- An empty level is done as soon as it starts.
        PERFORM queue_advance_level(p_build, p_layer, p_level);
    END IF;
    RETURN true;
END $$;

-- Releases level 0 of every waiting layer whose prerequisite layers are all complete.
CREATE OR REPLACE FUNCTION queue_release_ready_layers(p_build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    candidate record;
    released integer := 0;
BEGIN
    FOR candidate IN
        SELECT l.layer FROM build_levels l
        WHERE l.build_id = p_build AND l.level = 0 AND l.state = 'waiting'
          AND NOT EXISTS (SELECT 1 FROM build_levels d
                          WHERE d.build_id = p_build AND d.layer = ANY (l.after_layers) AND d.state <> 'succeeded')
        ORDER BY l.layer
    LOOP
        IF queue_release_level(p_build, candidate.layer, 0) THEN released := released + 1; END IF;
    END LOOP;
    RETURN released;
END $$;

-- The barrier. When no job of (build, layer, level) is left — none live, none dead-lettered —
-- marks the level succeeded and releases the next one in the same transaction; after a
-- layer's last level, releases the layers waiting for it, and finishes the build when every
-- level has succeeded. Returns true for the one caller that advanced the level.
--
-- Advancers of a build are serialised by its row lock, and every statement below takes a new
-- snapshot (READ COMMITTED), so the emptiness check sees all completions committed before
-- the lock was granted: two racing coordinators or workers advance a level exactly once.
CREATE OR REPLACE FUNCTION queue_advance_level(p_build bigint, p_layer text, p_level integer) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    build_state text;
BEGIN
    SELECT state INTO build_state FROM builds WHERE id = p_build FOR NO KEY UPDATE;
    IF build_state IS NULL OR build_state NOT IN ('running', 'paused') THEN RETURN false; END IF;
    PERFORM 1 FROM build_levels
    WHERE build_id = p_build AND layer = p_layer AND level = p_level AND state = 'running';
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM jobs WHERE build_id = p_build AND layer = p_layer AND level = p_level;
    IF FOUND THEN RETURN false; END IF;

    UPDATE build_levels SET state = 'succeeded', finished_at = now()
    WHERE build_id = p_build AND layer = p_layer AND level = p_level;
    PERFORM pg_notify('illuminati_progress', p_build::text);

    IF EXISTS (SELECT 1 FROM build_levels WHERE build_id = p_build AND layer = p_layer AND level = p_level + 1) THEN
        PERFORM queue_release_level(p_build, p_layer, p_level + 1);
    ELSE
        PERFORM queue_release_ready_layers(p_build);
        IF NOT EXISTS (SELECT 1 FROM build_levels WHERE build_id = p_build AND state <> 'succeeded') THEN
            UPDATE builds SET state = 'succeeded', finished_at = now() WHERE id = p_build;
        END IF;
    END IF;
    RETURN true;
END $$;

-- Advances every running level that has no job left (completions whose post-commit check
-- was lost to a crash). Called by the reaper; cheap: it looks at build_levels only.
CREATE OR REPLACE FUNCTION queue_advance_ready_levels() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    candidate record;
    advanced integer := 0;
BEGIN
    FOR candidate IN
        SELECT l.build_id, l.layer, l.level FROM build_levels l JOIN builds b ON b.id = l.build_id
        WHERE l.state = 'running' AND b.state IN ('running', 'paused')
          AND NOT EXISTS (SELECT 1 FROM jobs j
                          WHERE j.build_id = l.build_id AND j.layer = l.layer AND j.level = l.level)
        ORDER BY l.build_id, l.layer, l.level
    LOOP
        IF queue_advance_level(candidate.build_id, candidate.layer, candidate.level) THEN
            advanced := advanced + 1;
        END IF;
    END LOOP;
    RETURN advanced;
END $$;

-- planned → running: releases the first level of every layer that waits for no other layer.
CREATE OR REPLACE FUNCTION queue_start_build(p_build bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE builds SET state = 'running', started_at = now() WHERE id = p_build AND state = 'planned';
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM queue_release_ready_layers(p_build);
    IF NOT EXISTS (SELECT 1 FROM build_levels WHERE build_id = p_build AND state <> 'succeeded') THEN
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
        INSERT INTO job_history (job_id, build_id, layer, level, kind, payload, priority, locality, max_runtime,
                                 outcome, attempt, worker_id, enqueued_at)
        SELECT id, build_id, layer, level, kind, payload, priority, locality, max_runtime,
               'cancelled', attempt, NULL, created_at
        FROM gone
        RETURNING 1
    )
    SELECT count(*)::integer FROM recorded
$$;

-- Hands back the jobs of workers silent past their lease, and jobs past their deadline
-- (plus the worker's lease as grace), counting the attempt; exhausted jobs are dead-lettered.
-- Also purges cancelled builds and forgets workers silent for ten leases (at least 10 min).
-- Safe to run from many processes at once: one sweeps, the others return nothing.
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
        SET state = queue_requeue_state(j.attempt, j.max_attempts, false, j.cancel_requested, b.state),
            -- A dead worker's job did not fail: it runs again at once (the attempt still counts,
            -- so a job that kills its workers ends dead-lettered). A job past its deadline backs off.
            run_at = now() + CASE v.why WHEN 'lease_lost' THEN interval '0'
                                        ELSE queue_backoff(j.attempt, b.backoff_base, b.backoff_cap) END,
            rescue_count = j.rescue_count + 1,
            last_error = CASE v.why WHEN 'deadline' THEN 'deadline exceeded (worker alive but the job ran past its deadline)'
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

-- Ops: dead-lettered jobs of a build (optionally one level, one layer) run again with a fresh
-- set of attempts. Returns how many.
CREATE OR REPLACE FUNCTION retry_failed(build bigint, level integer DEFAULT NULL, layer text DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    b builds%ROWTYPE;
    retried integer;
BEGIN
    SELECT * INTO b FROM builds WHERE id = retry_failed.build FOR NO KEY UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no build %', retry_failed.build USING ERRCODE = 'no_data_found'; END IF;
    UPDATE jobs j
    SET state = CASE WHEN b.state = 'running' THEN 'available' ELSE 'held' END,
        run_at = now(), max_attempts = least(j.attempt + b.max_attempts, 32767)
    WHERE j.build_id = b.id AND j.state = 'failed'
      AND (retry_failed.level IS NULL OR j.level = retry_failed.level)
      AND (retry_failed.layer IS NULL OR j.layer = retry_failed.layer);
    GET DIAGNOSTICS retried = ROW_COUNT;
    IF retried > 0 THEN PERFORM pg_notify('illuminati_jobs', ''); END IF;
    RETURN retried;
END $$;

-- Ops: cancels a build. Jobs not running move to the history as cancelled; running jobs are
-- asked to stop (their workers see it at the next heartbeat). Returns how many jobs.
CREATE OR REPLACE FUNCTION cancel(build bigint) RETURNS integer
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
    UPDATE build_levels SET state = 'cancelled', finished_at = now()
    WHERE build_id = cancel.build AND state IN ('waiting', 'running');
    UPDATE jobs SET cancel_requested = true WHERE build_id = cancel.build AND state = 'running';
    GET DIAGNOSTICS flagged = ROW_COUNT;
    PERFORM pg_notify('illuminati_control', cancel.build::text);
    RETURN flagged + queue_purge_cancelled();
END $$;

-- Ops: a paused build's claimable jobs are held; running jobs finish.
CREATE OR REPLACE FUNCTION pause(build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    held integer;
BEGIN
    UPDATE builds SET state = 'paused' WHERE id = pause.build AND state = 'running';
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM builds WHERE id = pause.build) THEN
            RAISE EXCEPTION 'no build %', pause.build USING ERRCODE = 'no_data_found';
        END IF;
        RETURN 0;
    END IF;
    UPDATE jobs SET state = 'held' WHERE build_id = pause.build AND state = 'available';
    GET DIAGNOSTICS held = ROW_COUNT;
    PERFORM pg_notify('illuminati_control', pause.build::text);
    RETURN held;
END $$;

CREATE OR REPLACE FUNCTION resume(build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    released integer;
BEGIN
    UPDATE builds SET state = 'running' WHERE id = resume.build AND state = 'paused';
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM builds WHERE id = resume.build) THEN
            RAISE EXCEPTION 'no build %', resume.build USING ERRCODE = 'no_data_found';
        END IF;
        RETURN 0;
    END IF;
    UPDATE jobs SET state = 'available' WHERE build_id = resume.build AND state = 'held';
    GET DIAGNOSTICS released = ROW_COUNT;
    PERFORM pg_notify('illuminati_jobs', '');
    RETURN released;
END $$;

-- Ops: for a worker known to be dead — its running jobs go back to the queue now (the attempt
-- counts) and its row is removed. Returns how many jobs.
CREATE OR REPLACE FUNCTION release_worker(worker uuid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    released integer;
BEGIN
    WITH victims AS (
        SELECT j.id FROM jobs j WHERE j.worker_id = release_worker.worker AND j.state = 'running'
        FOR NO KEY UPDATE
    ), freed AS (
        UPDATE jobs j
        SET state = queue_requeue_state(j.attempt, j.max_attempts, false, j.cancel_requested, b.state),
            run_at = now(), rescue_count = j.rescue_count + 1,
            last_error = 'lease lost: worker released by an operator',
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

-- Ops: gives up on one job that is not running (typically a dead letter): it moves to the
-- history as cancelled, and its level's barrier no longer waits for it.
CREATE OR REPLACE FUNCTION cancel_job(job bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    gone jobs%ROWTYPE;
BEGIN
    DELETE FROM jobs WHERE id = cancel_job.job AND state <> 'running' RETURNING * INTO gone;
    IF NOT FOUND THEN RETURN false; END IF;
    INSERT INTO job_history (job_id, build_id, layer, level, kind, payload, priority, locality, max_runtime,
                             outcome, attempt, worker_id, enqueued_at)
    VALUES (gone.id, gone.build_id, gone.layer, gone.level, gone.kind, gone.payload, gone.priority,
            gone.locality, gone.max_runtime, 'cancelled', gone.attempt, NULL, gone.created_at);
    PERFORM queue_advance_level(gone.build_id, gone.layer, gone.level);
    RETURN true;
END $$;

-- Ops: runs a whole build again from its first levels: every job, done or not, goes back to
-- `waiting` with no attempts used (running jobs are fenced out and re-run). Returns how many.
CREATE OR REPLACE FUNCTION restart_build(build bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    b builds%ROWTYPE;
    restarted integer;
BEGIN
    SELECT * INTO b FROM builds WHERE id = restart_build.build FOR NO KEY UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no build %', restart_build.build USING ERRCODE = 'no_data_found'; END IF;
    UPDATE jobs SET state = 'waiting', attempt = 0, max_attempts = b.max_attempts, run_at = now(),
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

-- ── Views for operators ──────────────────────────────────────────────────────────────────

-- Live jobs by build, layer, level and state, with the age of the oldest claimable one.
CREATE OR REPLACE VIEW v_queue AS
SELECT j.build_id, j.layer, j.level, j.state, count(*) AS jobs,
       max(now() - j.run_at) FILTER (WHERE j.state = 'available' AND j.run_at <= now()) AS oldest_ready_age,
       count(*) FILTER (WHERE j.state = 'available' AND j.run_at > now()) AS waiting_backoff
FROM jobs j
GROUP BY j.build_id, j.layer, j.level, j.state;

-- Every level of every build: counts by outcome, throughput over the last 5 minutes, ETA.
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
    SELECT count(*) FILTER (WHERE outcome = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE outcome = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE outcome = 'succeeded' AND finished_at > now() - interval '5 minutes') AS recent
    FROM job_history
    WHERE build_id = l.build_id AND layer = l.layer AND level = l.level
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

-- What runs where, for how long, and how close to its deadline.
CREATE OR REPLACE VIEW v_running AS
SELECT j.id AS job_id, j.build_id, j.layer, j.level, j.kind, j.attempt, j.max_attempts,
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
SELECT j.id AS job_id, j.build_id, j.layer, j.level, j.kind, j.payload, j.attempt, j.max_attempts,
       j.rescue_count, j.last_error,
       (SELECT jsonb_agg(jsonb_build_object('attempt', e.attempt, 'kind', e.kind, 'message', e.message,
                                            'worker_id', e.worker_id, 'at', e.at) ORDER BY e.at)
        FROM job_errors e WHERE e.job_id = j.id) AS errors
FROM jobs j
WHERE j.state = 'failed';

-- Workers: alive while heard from within their lease.
CREATE OR REPLACE VIEW v_workers AS
SELECT w.id AS worker_id, w.hostname, w.pid, w.version, w.kinds, w.concurrency, w.state,
       w.last_seen > now() - w.lease AS alive, w.last_seen, now() - w.last_seen AS heartbeat_age,
       w.lease, w.started_at,
       (SELECT count(*) FROM jobs j WHERE j.worker_id = w.id AND j.state = 'running') AS running_jobs
FROM workers w;

-- Table health of the queue: dead tuples and vacuum recency.
CREATE OR REPLACE VIEW v_queue_tables AS
SELECT relname AS table_name, n_live_tup, n_dead_tup, last_autovacuum, autovacuum_count,
       pg_size_pretty(pg_total_relation_size(relid)) AS total_size
FROM pg_stat_user_tables
WHERE relname IN ('jobs', 'job_history', 'job_errors', 'workers', 'builds', 'build_levels');
