-- Resource requests that mean something. A job records what it needs (cores, memory in MB;
-- `submit --cores/--memory`), a worker what it has (`illuminati-worker --cores/--memory`), and
-- the claim gives a worker only jobs that fit it and whose kind it registered (the claim's
-- WHERE, with the worker's size and kinds as parameters, over the same partial index). A job's
-- runtime limit (`max_runtime`, `submit --duration`) is enforced by the reaper, which says so
-- and names the limit.
--
-- The defaults keep what was there: a job needs 1 core and no stated memory (0: any worker
-- fits), so every worker, which has at least 1 core, claims it.

ALTER TABLE jobs ADD COLUMN IF NOT EXISTS cores integer NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS memory_mb integer NOT NULL DEFAULT 0;
-- Kept with the history, so that `restart_build` plans a job again with what it needed.
ALTER TABLE job_history ADD COLUMN IF NOT EXISTS cores integer NOT NULL DEFAULT 1;
ALTER TABLE job_history ADD COLUMN IF NOT EXISTS memory_mb integer NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN IF NOT EXISTS cores integer NOT NULL DEFAULT 1;
ALTER TABLE workers ADD COLUMN IF NOT EXISTS memory_mb integer NOT NULL DEFAULT 0;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'job_cores_positive') THEN
        ALTER TABLE jobs ADD CONSTRAINT job_cores_positive CHECK (cores >= 1);
        ALTER TABLE jobs ADD CONSTRAINT job_memory_not_negative CHECK (memory_mb >= 0);
        ALTER TABLE workers ADD CONSTRAINT worker_cores_positive CHECK (cores >= 1);
        ALTER TABLE workers ADD CONSTRAINT worker_memory_not_negative CHECK (memory_mb >= 0);
    END IF;
END $$;

-- A runtime limit as HH:MM:SS, the form `submit --duration` takes (hours may pass 24), with
-- .mmm when it is not whole seconds; as ClockDuration.format writes it.
CREATE OR REPLACE FUNCTION queue_duration_text(limit_ interval) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT lpad((s / 3600)::text, 2, '0') || ':' || lpad((s / 60 % 60)::text, 2, '0') || ':' || lpad((s % 60)::text, 2, '0')
           || CASE WHEN ms > 0 THEN '.' || lpad(ms::text, 3, '0') ELSE '' END
    FROM (SELECT ms_total / 1000 AS s, ms_total % 1000 AS ms
          FROM (SELECT round(extract(epoch FROM limit_) * 1000)::bigint AS ms_total) epoch) parts
$$;

-- As in 007, and a job past its runtime limit is failed with an error that names the limit.
-- The limit is counted from the claim; the worker stops the job itself at the limit and
-- reports it, so the reaper takes it only once the worker's lease has passed on top (a worker
-- whose job does not stop, or that cannot report it).
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
            -- too often). A job past its limit backs off.
            run_at = now() + CASE v.why WHEN 'lease_lost' THEN interval '0'
                                        ELSE queue_backoff(j.attempt, b.backoff_base, b.backoff_cap) END,
            rescue_count = j.rescue_count + 1,
            lost_leases = j.lost_leases + CASE v.why WHEN 'lease_lost' THEN 1 ELSE 0 END,
            last_error = CASE WHEN v.why = 'deadline'
                                  THEN 'exceeded its duration limit of ' || queue_duration_text(j.max_runtime)
                                       || ' (taken from its worker, which was alive but did not stop it)'
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

-- As in 008, keeping the cancelled jobs' requests.
CREATE OR REPLACE FUNCTION queue_purge_cancelled() RETURNS integer
LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM jobs j USING builds b
        WHERE b.id = j.build_id AND b.state = 'cancelled' AND j.state <> 'running'
        RETURNING j.*
    ), recorded AS (
        INSERT INTO job_history (job_id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
                                 cores, memory_mb, outcome, attempt, worker_id, enqueued_at)
        SELECT id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
               cores, memory_mb, 'cancelled', attempt, NULL, created_at
        FROM gone
        RETURNING 1
    )
    SELECT count(*)::integer FROM recorded
$$;

-- As in 008, keeping the cancelled job's request.
CREATE OR REPLACE FUNCTION illuminati.cancel_job(job bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    gone jobs%ROWTYPE;
BEGIN
    DELETE FROM jobs WHERE id = cancel_job.job AND state <> 'running' RETURNING * INTO gone;
    IF NOT FOUND THEN RETURN false; END IF;
    INSERT INTO job_history (job_id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
                             cores, memory_mb, outcome, attempt, worker_id, enqueued_at)
    VALUES (gone.id, gone.build_id, gone.layer, gone.stage, gone.kind, gone.payload, gone.priority,
            gone.locality, gone.max_runtime, gone.cores, gone.memory_mb, 'cancelled', gone.attempt, NULL, gone.created_at);
    PERFORM queue_advance_stage(gone.build_id, gone.layer, gone.stage);
    RETURN true;
END $$;

-- As in 008; a job that runs again keeps its runtime limit and what it needs.
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
    INSERT INTO jobs (id, build_id, layer, stage, state, kind, payload, priority, locality, max_runtime, cores, memory_mb,
                      max_attempts)
    OVERRIDING SYSTEM VALUE
    SELECT DISTINCT ON (h.job_id) h.job_id, h.build_id, h.layer, h.stage, 'waiting', h.kind, h.payload,
           h.priority, h.locality, h.max_runtime, h.cores, h.memory_mb, b.max_attempts
    FROM job_history h
    WHERE h.build_id = b.id AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = h.job_id)
    ORDER BY h.job_id, h.finished_at DESC;
    SELECT count(*) INTO restarted FROM jobs WHERE build_id = b.id;
    UPDATE build_stages SET state = 'waiting', released_at = NULL, finished_at = NULL WHERE build_id = b.id;
    UPDATE builds SET state = 'planned', started_at = NULL, finished_at = NULL WHERE id = b.id;
    PERFORM queue_start_build(b.id);
    RETURN restarted;
END $$;

-- As in 003, with what each worker has (new columns go last: CREATE OR REPLACE keeps the rest).
CREATE OR REPLACE VIEW v_workers AS
SELECT w.id AS worker_id, w.hostname, w.pid, w.version, w.kinds, w.concurrency, w.state,
       w.last_seen > now() - w.lease AS alive, w.last_seen, now() - w.last_seen AS heartbeat_age,
       w.lease, w.started_at,
       (SELECT count(*) FROM jobs j WHERE j.worker_id = w.id AND j.state = 'running') AS running_jobs,
       w.cores, w.memory_mb
FROM workers w;
