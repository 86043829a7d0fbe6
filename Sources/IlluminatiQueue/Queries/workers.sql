-- Worker registry, heartbeats and the reaper.

-- name: WorkerRegister :exec
-- params: id WorkerID, hostname String, pid Int32, version String, kinds [String], concurrency Int, lease Double
-- params: cores Int, memory_mb Int
INSERT INTO workers (id, hostname, pid, version, kinds, concurrency, lease, cores, memory_mb)
VALUES ($1, $2, $3, $4, $5::text[], $6, make_interval(secs => $7), $8, $9);

-- name: WorkerHeartbeat :many
-- params: worker WorkerID, jobs [Int64], attempts [Int]
-- returns: alive Bool, id Int64?, attempt Int?, held Bool?, cancel_requested Bool?
-- One statement per beat: refreshes the worker's row and reports, for each lease the worker
-- believes it holds, whether it still does and whether its build asked it to stop. Always
-- returns at least one row; `alive` is false when the worker's row is gone (it was presumed
-- dead and pruned), and then nothing it holds is valid.
WITH beat AS (
    UPDATE workers SET last_seen = now() WHERE id = $1 RETURNING id
), held AS (
    SELECT h.id, h.attempt, j.id IS NOT NULL AS held, coalesce(j.cancel_requested, false) AS cancel_requested
    FROM unnest($2::bigint[], $3::integer[]) AS h (id, attempt)
    LEFT JOIN jobs j ON j.id = h.id AND j.attempt = h.attempt AND j.worker_id = $1 AND j.state = 'running'
)
SELECT EXISTS (SELECT 1 FROM beat) AS alive, held.id, held.attempt, held.held, held.cancel_requested
FROM (VALUES (1)) AS one (x) LEFT JOIN held ON true;

-- name: WorkerDrain :exec
-- params: worker WorkerID
UPDATE workers SET state = 'draining', last_seen = now() WHERE id = $1;

-- name: WorkerDeregister :exec
-- params: worker WorkerID
DELETE FROM workers WHERE id = $1;

-- name: WorkerRelease :one
-- params: worker WorkerID
-- returns: jobs Int
SELECT illuminati.release_worker($1) AS jobs;

-- name: Reap :many
-- params: max_jobs Int
-- returns: job_id Int64, build_id Int64, attempt Int, worker_id String?, reason String, new_state String
SELECT job_id, build_id, attempt, worker_id, reason, new_state FROM queue_reap($1);
