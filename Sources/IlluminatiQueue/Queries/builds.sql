-- Builds: planning, life cycle and the level barrier. Structural changes to a build lock its
-- row first (FOR NO KEY UPDATE), the order the barrier functions in migrations/ use too.

-- name: BuildInsert :one
INSERT INTO builds (experiment_id, params, priority, max_attempts, backoff_base, backoff_cap)
VALUES ($1, $2::jsonb, $3, $4, make_interval(secs => $5), make_interval(secs => $6))
RETURNING id;

-- name: BuildLevelsInsert :exec
INSERT INTO build_levels (build_id, layer, level, total_jobs)
SELECT $1, l.layer, l.level, l.total
FROM unnest($2::text[], $3::integer[], $4::integer[]) AS l (layer, level, total);

-- name: BuildLayerAfter :exec
UPDATE build_levels SET after_layers = $3::text[] WHERE build_id = $1 AND layer = $2 AND level = 0;

-- name: JobsInsert :many
INSERT INTO jobs (build_id, layer, level, state, kind, payload, priority, locality, max_runtime, max_attempts)
SELECT $1, $2, $3, $4, j.kind, j.payload, coalesce(j.priority, b.priority), j.locality,
       make_interval(secs => j.max_runtime), b.max_attempts
FROM unnest($5::text[], $6::jsonb[], $7::smallint[], $8::bigint[], $9::float8[])
     WITH ORDINALITY AS j (kind, payload, priority, locality, max_runtime, ord)
JOIN builds b ON b.id = $1
ORDER BY j.ord
RETURNING id;

-- name: BuildStart :one
SELECT queue_start_build($1) AS started;

-- name: BuildLock :one
SELECT id, state FROM builds WHERE id = $1 FOR NO KEY UPDATE;

-- name: BuildLevelGet :one
SELECT state, total_jobs FROM build_levels WHERE build_id = $1 AND layer = $2 AND level = $3;

-- name: BuildLevelAddJobs :exec
UPDATE build_levels SET total_jobs = total_jobs + $4 WHERE build_id = $1 AND layer = $2 AND level = $3;

-- name: NotifyJobs :exec
SELECT pg_notify('illuminati_jobs', '');

-- name: BuildGet :one
SELECT b.id, b.experiment_id, b.state, b.params::text AS params, b.priority, b.max_attempts,
       extract(epoch FROM b.backoff_base)::float8 AS backoff_base,
       extract(epoch FROM b.backoff_cap)::float8 AS backoff_cap,
       b.created_at::text AS created_at, b.started_at::text AS started_at, b.finished_at::text AS finished_at,
       b.cleaned_up_at::text AS cleaned_up_at
FROM builds b WHERE b.id = $1;

-- name: BuildsByExperiment :many
SELECT b.id, b.experiment_id, b.state, b.params::text AS params, b.priority, b.max_attempts,
       extract(epoch FROM b.backoff_base)::float8 AS backoff_base,
       extract(epoch FROM b.backoff_cap)::float8 AS backoff_cap,
       b.created_at::text AS created_at, b.started_at::text AS started_at, b.finished_at::text AS finished_at,
       b.cleaned_up_at::text AS cleaned_up_at
FROM builds b WHERE b.experiment_id = $1 ORDER BY b.id DESC;

-- name: BuildPause :one
SELECT illuminati.pause($1) AS jobs;

-- name: BuildResume :one
SELECT illuminati.resume($1) AS jobs;

-- name: BuildCancel :one
SELECT illuminati.cancel($1) AS jobs;

-- name: BuildRetryFailed :one
SELECT illuminati.retry_failed($1, $2, $3) AS jobs;

-- name: BuildRestart :one
SELECT illuminati.restart_build($1) AS jobs;

-- name: BuildCleanup :one
SELECT illuminati.cleanup_build($1) AS jobs;

-- name: JobCancel :one
SELECT illuminati.cancel_job($1) AS cancelled;

-- name: LevelAdvance :one
SELECT queue_advance_level($1, $2, $3) AS advanced;

-- name: LevelsAdvanceReady :one
SELECT queue_advance_ready_levels() AS advanced;

-- name: BuildLayers :many
SELECT layer, count(*) AS levels, count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
       bool_or(state = 'cancelled') AS cancelled
FROM build_levels WHERE build_id = $1
GROUP BY layer ORDER BY layer;
