-- Builds: planning, life cycle and the stage barrier. Structural changes to a build lock its
-- row first (FOR NO KEY UPDATE), the order the barrier functions in Migrations/ use too.

-- name: BuildInsert :one
-- params: experiment Int64, params String, priority Int, max_attempts Int, backoff_base Double, backoff_cap Double
-- returns: id Int64
INSERT INTO builds (experiment_id, params, priority, max_attempts, backoff_base, backoff_cap)
VALUES ($1, $2::jsonb, $3, $4, make_interval(secs => $5), make_interval(secs => $6))
RETURNING id;

-- name: BuildStagesInsert :exec
-- params: build Int64, layers [String], stages [Int], totals [Int]
INSERT INTO build_stages (build_id, layer, stage, total_jobs)
SELECT $1, s.layer, s.stage, s.total
FROM unnest($2::text[], $3::integer[], $4::integer[]) AS s (layer, stage, total);

-- name: BuildLayerAfter :exec
-- params: build Int64, layer String, after [String]
UPDATE build_stages SET after_layers = $3::text[] WHERE build_id = $1 AND layer = $2 AND stage = 0;

-- name: JobsInsert :many
-- params: build Int64, layer String, stage Int, state String, kinds [String], payloads [String], priorities [Int?]
-- params: localities [Int64], max_runtimes [Double]
-- returns: id Int64
INSERT INTO jobs (build_id, layer, stage, state, kind, payload, priority, locality, max_runtime, max_attempts)
SELECT $1, $2, $3, $4, j.kind, j.payload, coalesce(j.priority, b.priority), j.locality,
       make_interval(secs => j.max_runtime), b.max_attempts
FROM unnest($5::text[], $6::jsonb[], $7::smallint[], $8::bigint[], $9::float8[])
     WITH ORDINALITY AS j (kind, payload, priority, locality, max_runtime, ord)
JOIN builds b ON b.id = $1
ORDER BY j.ord
RETURNING id;

-- name: BuildStart :one
-- params: build Int64
-- returns: started Bool
SELECT queue_start_build($1) AS started;

-- name: BuildLock :opt
-- params: build Int64
-- returns: id Int64, state String
SELECT id, state FROM builds WHERE id = $1 FOR NO KEY UPDATE;

-- name: BuildStageGet :opt
-- params: build Int64, layer String, stage Int
-- returns: state String, total_jobs Int
SELECT state, total_jobs FROM build_stages WHERE build_id = $1 AND layer = $2 AND stage = $3;

-- name: BuildStageAddJobs :exec
-- params: build Int64, layer String, stage Int, added Int
UPDATE build_stages SET total_jobs = total_jobs + $4 WHERE build_id = $1 AND layer = $2 AND stage = $3;

-- name: NotifyJobs :exec
SELECT pg_notify('illuminati_jobs', '');

-- name: BuildGet :opt
-- params: build Int64
-- returns: id Int64, experiment_id Int64, state String, params String, priority Int, max_attempts Int
-- returns: backoff_base Double?, backoff_cap Double?, created_at String, started_at String?
-- returns: finished_at String?, cleaned_up_at String?
SELECT b.id, b.experiment_id, b.state, b.params::text AS params, b.priority, b.max_attempts,
       extract(epoch FROM b.backoff_base)::float8 AS backoff_base,
       extract(epoch FROM b.backoff_cap)::float8 AS backoff_cap,
       b.created_at::text AS created_at, b.started_at::text AS started_at, b.finished_at::text AS finished_at,
       b.cleaned_up_at::text AS cleaned_up_at
FROM builds b WHERE b.id = $1;

-- name: BuildsByExperiment :many
-- params: experiment Int64
-- returns: BuildGet.Row
SELECT b.id, b.experiment_id, b.state, b.params::text AS params, b.priority, b.max_attempts,
       extract(epoch FROM b.backoff_base)::float8 AS backoff_base,
       extract(epoch FROM b.backoff_cap)::float8 AS backoff_cap,
       b.created_at::text AS created_at, b.started_at::text AS started_at, b.finished_at::text AS finished_at,
       b.cleaned_up_at::text AS cleaned_up_at
FROM builds b WHERE b.experiment_id = $1 ORDER BY b.id DESC;

-- name: BuildPause :one
-- params: build Int64
-- returns: jobs Int
SELECT illuminati.pause($1) AS jobs;

-- name: BuildResume :one
-- params: build Int64
-- returns: jobs Int
SELECT illuminati.resume($1) AS jobs;

-- name: BuildCancel :one
-- params: build Int64
-- returns: jobs Int
SELECT illuminati.cancel($1) AS jobs;

-- name: BuildRetryFailed :one
-- params: build Int64, stage Int?, layer String?
-- returns: jobs Int
SELECT illuminati.retry_failed($1, $2, $3) AS jobs;

-- name: BuildRestart :one
-- params: build Int64
-- returns: jobs Int
SELECT illuminati.restart_build($1) AS jobs;

-- name: BuildCleanup :one
-- params: build Int64
-- returns: jobs Int
SELECT illuminati.cleanup_build($1) AS jobs;

-- name: JobCancel :one
-- params: job Int64
-- returns: cancelled Bool
SELECT illuminati.cancel_job($1) AS cancelled;

-- name: StageAdvance :one
-- params: build Int64, layer String, stage Int
-- returns: advanced Bool
SELECT queue_advance_stage($1, $2, $3) AS advanced;

-- name: StagesAdvanceReady :one
-- returns: advanced Int
SELECT queue_advance_ready_stages() AS advanced;

-- name: BuildLayers :many
-- params: build Int64
-- returns: layer String, stages Int, succeeded Int, cancelled Bool
SELECT layer, count(*) AS stages, count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
       bool_or(state = 'cancelled') AS cancelled
FROM build_stages WHERE build_id = $1
GROUP BY layer ORDER BY layer;

-- name: BuildJobsRequest :exec
-- params: build Int64, max_runtime Double?, cores Int?, memory_mb Int?
-- What `submit --duration/--cores/--memory` asks of every live job of the build (NULL: left as
-- it is). A running job keeps its claim's deadline; the new values hold from its next claim.
UPDATE jobs
SET max_runtime = coalesce(make_interval(secs => $2), max_runtime), cores = coalesce($3, cores),
    memory_mb = coalesce($4, memory_mb)
WHERE build_id = $1;

-- name: BuildJobsLargestNeeds :one
-- params: build Int64
-- returns: cores Int, memory_mb Int
-- The most any live job of the build needs: what a worker must have to claim all of them.
SELECT coalesce(max(cores), 1) AS cores, coalesce(max(memory_mb), 0) AS memory_mb FROM jobs WHERE build_id = $1;
