-- Read-only views of the queue for `illuminati status`, dashboards and tests.

-- name: InspectLevels :many
SELECT build_id, layer, level, state, total_jobs, succeeded, cancelled, waiting, available, held, running,
       failed, jobs_per_s::float8 AS jobs_per_s, extract(epoch FROM eta)::float8 AS eta,
       extract(epoch FROM duration)::float8 AS duration
FROM v_level_progress WHERE build_id = $1 ORDER BY layer, level;

-- name: InspectFailed :many
SELECT job_id, layer, level, kind, payload::text AS payload, attempt, max_attempts, rescue_count, last_error,
       coalesce(errors, '[]')::text AS errors
FROM v_failed WHERE build_id = $1 ORDER BY layer, level, job_id LIMIT $2;

-- name: InspectErrors :many
SELECT job_id, attempt, worker_id::text AS worker_id, kind, message, at::text AS at
FROM job_errors WHERE job_id = $1 ORDER BY at, attempt;

-- name: InspectWorkers :many
SELECT worker_id::text AS worker_id, hostname, pid, version, concurrency, state, alive,
       extract(epoch FROM heartbeat_age)::float8 AS heartbeat_age, running_jobs
FROM v_workers ORDER BY hostname, pid, worker_id;

-- name: InspectRunning :many
SELECT job_id, build_id, layer, level, kind, attempt, worker_id::text AS worker_id, hostname, pid,
       extract(epoch FROM runtime)::float8 AS runtime, extract(epoch FROM time_left)::float8 AS time_left
FROM v_running WHERE build_id = $1 ORDER BY job_id;

-- name: InspectHistoryCounts :one
SELECT count(*) AS total, count(DISTINCT job_id) AS distinct_jobs,
       count(*) FILTER (WHERE outcome = 'succeeded') AS succeeded
FROM job_history WHERE build_id = $1;
