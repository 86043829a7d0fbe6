-- What operators do to a build and its jobs besides the `illuminati.*` functions
-- (`illuminati retry`, the queue dashboard's buttons): which stages an argument names, dead
-- letters retried, and jobs waiting out a backoff run now.

-- name: ControlStageCount :one
-- params: build Int64, stage Int?, layer String?
-- returns: stages Int
SELECT count(*) AS stages FROM build_stages
WHERE build_id = $1 AND ($2::integer IS NULL OR stage = $2) AND ($3::text IS NULL OR layer = $3);

-- name: ControlRetryFailed :many
-- params: build Int64, stage Int?, layer String?, job Int64?
-- returns: id Int64
-- The build's dead letters (of one stage, layer or job when given) run again, as
-- `illuminati.retry_failed` does; the jobs queued again, by id.
SELECT id FROM illuminati.retry_failed_jobs($1, $2, $3, $4) AS id ORDER BY id;

-- name: ControlRetryBackoff :many
-- params: build Int64, stage Int?, layer String?, job Int64?
-- returns: id Int64
-- Jobs that failed an attempt and wait out its backoff (`retry --all-attempts`) become
-- claimable now, with a fresh set of attempts and lost leases.
WITH build AS (
    SELECT id, max_attempts FROM builds WHERE id = $1 FOR NO KEY UPDATE
)
UPDATE jobs j
SET run_at = now(), max_attempts = least(j.attempt + build.max_attempts, 32767), lost_leases = 0
FROM build
WHERE j.build_id = build.id AND j.state IN ('available', 'held') AND j.attempt > 0 AND j.last_error IS NOT NULL
  AND j.run_at > now()
  AND ($2::integer IS NULL OR j.stage = $2) AND ($3::text IS NULL OR j.layer = $3) AND ($4::bigint IS NULL OR j.id = $4)
RETURNING j.id;

-- name: ListJobs :many
-- params: build Int64, state String?, limit Int
-- returns: id Int64, layer String, stage Int, kind String, state String, attempt Int, max_attempts Int
-- returns: run_at String, worker_id String?, hostname String?, pid Int?, runtime Double?, last_error String?
SELECT j.id, j.layer, j.stage, j.kind, j.state, j.attempt, j.max_attempts, j.run_at::text AS run_at,
       j.worker_id::text AS worker_id, w.hostname, w.pid,
       extract(epoch FROM now() - j.claimed_at)::float8 AS runtime, j.last_error
FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id
WHERE j.build_id = $1 AND ($2::text IS NULL OR j.state = $2)
ORDER BY j.layer, j.stage, j.id
LIMIT $3;

-- name: ListBuilds :many
-- params: finished Int
-- returns: id Int64, experiment_id Int64, experiment String, state String, created_at String
-- returns: started_at String?, finished_at String?
-- Every live build, and the last `finished` builds that are over, newest first.
SELECT b.id, b.experiment_id, e.name AS experiment, b.state, b.created_at::text AS created_at,
       b.started_at::text AS started_at, b.finished_at::text AS finished_at
FROM builds b JOIN experiments e ON e.id = b.experiment_id
WHERE b.state IN ('planned', 'running', 'paused')
   OR b.id IN (SELECT id FROM builds WHERE state IN ('succeeded', 'cancelled') ORDER BY id DESC LIMIT $1)
ORDER BY b.id DESC;
