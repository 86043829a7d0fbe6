-- The job queue shared by the coordinator and the workers.
--
-- A build belongs to an experiment and is planned as layers, each a chain of levels
-- (stage indexes in processing order, 0 first). All jobs of a build are inserted at planning
-- time in the `waiting` state; a level's jobs become claimable when the level is released:
-- level 0 when the build starts (or when the layers it waits for are complete), level n+1 in
-- the transaction that sees the last job of level n succeed.
--
-- `jobs` holds only live work and dead letters, so the claim index stays small; a succeeded
-- or cancelled job moves to the append-only `job_history` in the same statement. Every failed
-- attempt is kept in `job_errors`. Workers heartbeat their row in `workers`; the reaper hands a
-- silent worker's jobs, and jobs past their deadline, back to the queue.
--
-- Every write by a worker is fenced with (job id, attempt, worker id): a worker that lost its
-- lease changes nothing. All time comparisons use the database clock.
--
-- Channels: illuminati_jobs (work became claimable), illuminati_progress (a level finished;
-- payload = build id), illuminati_control (a build was cancelled or paused; payload = build id).

CREATE TABLE IF NOT EXISTS builds (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id   bigint      NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    state           text        NOT NULL DEFAULT 'planned'
                    CHECK (state IN ('planned', 'running', 'paused', 'succeeded', 'cancelled')),
    params          jsonb       NOT NULL DEFAULT '{}',
    -- Copied onto the build's jobs; lower runs first.
    priority        smallint    NOT NULL DEFAULT 100,
    -- Retry policy of the build's jobs.
    max_attempts    smallint    NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 1000),
    backoff_base    interval    NOT NULL DEFAULT '10 seconds',
    backoff_cap     interval    NOT NULL DEFAULT '10 minutes',
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    CONSTRAINT backoff_is_positive CHECK (backoff_base > interval '0' AND backoff_cap >= backoff_base),
    CONSTRAINT started_matches_state CHECK (CASE state WHEN 'planned' THEN started_at IS NULL
                                                       WHEN 'cancelled' THEN true
                                                       ELSE started_at IS NOT NULL END),
    CONSTRAINT finished_matches_state CHECK ((state IN ('succeeded', 'cancelled')) = (finished_at IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS builds_experiment ON builds (experiment_id, id);

-- One row per (build, layer, level): the barrier. `after_layers` (level 0 only) names layers
-- of the same build that must be complete before this layer starts.
CREATE TABLE IF NOT EXISTS build_levels (
    build_id        bigint      NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    layer           text        NOT NULL CHECK (length(layer) BETWEEN 1 AND 200),
    level           integer     NOT NULL CHECK (level >= 0),
    state           text        NOT NULL DEFAULT 'waiting'
                    CHECK (state IN ('waiting', 'running', 'succeeded', 'cancelled')),
    after_layers    text[]      NOT NULL DEFAULT '{}',
    total_jobs      integer     NOT NULL DEFAULT 0 CHECK (total_jobs >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    released_at     timestamptz,
    finished_at     timestamptz,
    PRIMARY KEY (build_id, layer, level),
    CONSTRAINT dependencies_on_first_level CHECK (level = 0 OR after_layers = '{}'),
    CONSTRAINT released_matches_state CHECK (CASE state WHEN 'waiting' THEN released_at IS NULL
                                                        WHEN 'cancelled' THEN true
                                                        ELSE released_at IS NOT NULL END),
    CONSTRAINT finished_matches_state CHECK ((state IN ('succeeded', 'cancelled')) = (finished_at IS NOT NULL))
);

-- Live jobs and dead letters. States: waiting (level not released), available (claimable
-- from run_at on), held (build paused or cancelled), running (leased), failed (dead letter:
-- holds its level's barrier until retried or cancelled).
CREATE TABLE IF NOT EXISTS jobs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    build_id         bigint      NOT NULL,
    layer            text        NOT NULL,
    level            integer     NOT NULL,
    state            text        NOT NULL DEFAULT 'waiting'
                     CHECK (state IN ('waiting', 'available', 'held', 'running', 'failed')),
    kind             text        NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    payload          jsonb       NOT NULL DEFAULT '{}',
    priority         smallint    NOT NULL DEFAULT 100,
    -- Claim order within a level, e.g. the Morton code of a tile, so neighbours run together.
    locality         bigint      NOT NULL DEFAULT 0,
    run_at           timestamptz NOT NULL DEFAULT now(),
    -- Incremented by every claim; the fencing token of every write by the worker.
    attempt          smallint    NOT NULL DEFAULT 0,
    max_attempts     smallint    NOT NULL DEFAULT 5,
    max_runtime      interval    NOT NULL DEFAULT '15 minutes' CHECK (max_runtime > interval '0'),
    worker_id        uuid,
    claimed_at       timestamptz,
    deadline_at      timestamptz,
    cancel_requested boolean     NOT NULL DEFAULT false,
    rescue_count     smallint    NOT NULL DEFAULT 0,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (build_id, layer, level) REFERENCES build_levels (build_id, layer, level) ON DELETE CASCADE,
    CONSTRAINT lease_iff_running
        CHECK ((state = 'running') = (worker_id IS NOT NULL AND claimed_at IS NOT NULL AND deadline_at IS NOT NULL)),
    CONSTRAINT attempt_within_bounds CHECK (attempt BETWEEN 0 AND max_attempts),
    CONSTRAINT dead_letter_has_error CHECK (state <> 'failed' OR last_error IS NOT NULL)
) WITH (
    fillfactor = 90,
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);
-- Claim path: only claimable rows, in claim order.
CREATE INDEX IF NOT EXISTS jobs_claim ON jobs (priority, level, locality, id) WHERE state = 'available';
-- Barrier, progress, release of a level, cascade from build_levels.
CREATE INDEX IF NOT EXISTS jobs_level ON jobs (build_id, layer, level, state);
-- Reaper and ops: the few running jobs.
CREATE INDEX IF NOT EXISTS jobs_running ON jobs (deadline_at) WHERE state = 'running';

-- Succeeded and cancelled jobs, insert-only. Removed with their build.
CREATE TABLE IF NOT EXISTS job_history (
    job_id          bigint      NOT NULL,
    build_id        bigint      NOT NULL,
    layer           text        NOT NULL,
    level           integer     NOT NULL,
    kind            text        NOT NULL,
    payload         jsonb       NOT NULL,
    priority        smallint    NOT NULL,
    locality        bigint      NOT NULL,
    max_runtime     interval    NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('succeeded', 'cancelled')),
    attempt         smallint    NOT NULL,
    worker_id       uuid,
    enqueued_at     timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz NOT NULL DEFAULT now(),
    result          jsonb,
    CONSTRAINT succeeded_has_worker CHECK (outcome <> 'succeeded' OR (worker_id IS NOT NULL AND started_at IS NOT NULL))
) WITH (autovacuum_vacuum_insert_scale_factor = 0.05);
CREATE INDEX IF NOT EXISTS job_history_level ON job_history (build_id, layer, level);

-- Every failed or lost attempt, insert-only. Removed with their build.
CREATE TABLE IF NOT EXISTS job_errors (
    job_id          bigint      NOT NULL,
    build_id        bigint      NOT NULL,
    attempt         smallint    NOT NULL,
    worker_id       uuid,
    kind            text        NOT NULL CHECK (kind IN ('error', 'permanent', 'deadline', 'lease_lost')),
    message         text        NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS job_errors_job ON job_errors (job_id, attempt);
CREATE INDEX IF NOT EXISTS job_errors_build ON job_errors (build_id);

-- Worker processes. A fresh random id per process start, so a restarted worker never
-- inherits its predecessor's leases. `last_seen` is not indexed: heartbeats are HOT updates.
CREATE TABLE IF NOT EXISTS workers (
    id              uuid        PRIMARY KEY,
    hostname        text        NOT NULL,
    pid             integer     NOT NULL,
    version         text        NOT NULL DEFAULT '',
    kinds           text[]      NOT NULL DEFAULT '{}',
    concurrency     integer     NOT NULL CHECK (concurrency > 0),
    -- Silent for longer than this, the worker is presumed dead and its jobs are reaped.
    lease           interval    NOT NULL DEFAULT '30 seconds' CHECK (lease > interval '0'),
    state           text        NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'draining')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    last_seen       timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 50);
