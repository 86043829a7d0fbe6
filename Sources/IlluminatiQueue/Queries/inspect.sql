-- Read-only views of the queue for `illuminati status`, dashboards and tests.

-- name: InspectStages :many
-- params: build Int64
-- returns: build_id Int64, layer String, stage Int, state String, total_jobs Int, succeeded Int
-- returns: cancelled Int, waiting Int, available Int, held Int, running Int, failed Int
-- returns: jobs_per_s Double?, eta Double?, duration Double?
SELECT build_id, layer, stage, state, total_jobs, succeeded, cancelled, waiting, available, held, running,
       failed, jobs_per_s::float8 AS jobs_per_s, extract(epoch FROM eta)::float8 AS eta,
       extract(epoch FROM duration)::float8 AS duration
FROM v_stage_progress WHERE build_id = $1 ORDER BY layer, stage;

-- name: InspectFailed :many
-- params: build Int64, limit Int
-- returns: job_id Int64, layer String, stage Int, kind String, payload String, attempt Int
-- returns: max_attempts Int, rescue_count Int, last_error String?, errors String
SELECT job_id, layer, stage, kind, payload::text AS payload, attempt, max_attempts, rescue_count, last_error,
       coalesce(errors, '[]')::text AS errors
FROM v_failed WHERE build_id = $1 ORDER BY layer, stage, job_id LIMIT $2;

-- name: InspectErrors :many
-- params: job Int64
-- returns: job_id Int64, attempt Int, worker_id String?, kind String, message String, at String
SELECT job_id, attempt, worker_id::text AS worker_id, kind, message, at::text AS at
FROM job_errors WHERE job_id = $1 ORDER BY at, attempt;

-- name: InspectWorkers :many
-- returns: worker_id String, hostname String, pid Int, version String, concurrency Int, state String
-- returns: alive Bool, heartbeat_age Double?, running_jobs Int, kinds String, cores Int, memory_mb Int
SELECT worker_id::text AS worker_id, hostname, pid, version, concurrency, state, alive,
       extract(epoch FROM heartbeat_age)::float8 AS heartbeat_age, running_jobs, array_to_json(kinds)::text AS kinds,
       cores, memory_mb
FROM v_workers ORDER BY hostname, pid, worker_id;

-- name: InspectUnfit :many
-- params: build Int64
-- returns: kind String, cores Int, memory_mb Int, jobs Int
-- Claimable jobs of the build that no live, active worker takes: none has the cores, the
-- memory and the kind they need (the claim's rule, JobsClaim).
SELECT j.kind, j.cores, j.memory_mb, count(*) AS jobs
FROM jobs j
WHERE j.build_id = $1 AND j.state = 'available'
  AND NOT EXISTS (SELECT 1 FROM v_workers w
                  WHERE w.state = 'active' AND w.alive
                    AND j.cores <= w.cores AND j.memory_mb <= w.memory_mb AND j.kind = ANY (w.kinds))
GROUP BY j.kind, j.cores, j.memory_mb
ORDER BY j.kind, j.cores, j.memory_mb;

-- name: InspectRunning :many
-- params: build Int64
-- returns: job_id Int64, build_id Int64, layer String, stage Int, kind String, attempt Int
-- returns: worker_id String, hostname String?, pid Int?, runtime Double?, time_left Double?
SELECT job_id, build_id, layer, stage, kind, attempt, worker_id::text AS worker_id, hostname, pid,
       extract(epoch FROM runtime)::float8 AS runtime, extract(epoch FROM time_left)::float8 AS time_left
FROM v_running WHERE build_id = $1 ORDER BY job_id;

-- name: InspectHistoryCounts :one
-- params: build Int64
-- returns: total Int, distinct_jobs Int, succeeded Int
SELECT count(*) AS total, count(DISTINCT job_id) AS distinct_jobs,
       count(*) FILTER (WHERE outcome = 'succeeded') AS succeeded
FROM job_history WHERE build_id = $1;
