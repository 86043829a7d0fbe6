-- The worker's side of the queue. Every write out of `running` is fenced with the job id, the
-- attempt (incremented by every claim) and the worker id; a statement that matches nothing
-- means the lease was lost, and the caller learns it from the rows returned.

-- name: JobsClaim :many
-- params: worker WorkerID, limit Int, cores Int, memory_mb Int, kinds [String]?
-- returns: id Int64, attempt Int, max_attempts Int, kind String, payload String, build_id Int64
-- returns: layer String, stage Int, runtime_limit Double?
-- One short statement: the CTE picks claimable rows in claim order over the partial index and
-- locks them, skipping rows other claimers hold; the UPDATE leases them. Only jobs that fit the
-- worker (its cores and memory, and a kind it handles; NULL kinds: any) are picked: plain
-- comparisons with the parameters, filtered on the index scan. A worker whose row is gone
-- (reaped) or draining claims nothing.
WITH picked AS MATERIALIZED (
    SELECT id
    FROM jobs
    WHERE state = 'available' AND run_at <= now() AND attempt < max_attempts
      AND cores <= $3 AND memory_mb <= $4 AND ($5::text[] IS NULL OR kind = ANY ($5::text[]))
      AND EXISTS (SELECT 1 FROM workers WHERE id = $1 AND state = 'active')
    ORDER BY priority, stage, locality, id
    LIMIT $2
    FOR NO KEY UPDATE SKIP LOCKED
)
UPDATE jobs AS j
SET state = 'running', attempt = j.attempt + 1, worker_id = $1, claimed_at = now(),
    deadline_at = now() + j.max_runtime
FROM picked
WHERE j.id = picked.id
RETURNING j.id, j.attempt, j.max_attempts, j.kind, j.payload::text AS payload, j.build_id, j.layer, j.stage,
          extract(epoch FROM j.max_runtime)::float8 AS runtime_limit;

-- name: JobsComplete :many
-- params: worker WorkerID, jobs [Int64], attempts [Int], results [String?]
-- returns: id Int64, build_id Int64, layer String, stage Int, drained Bool
-- Success: the rows leave `jobs` for `job_history` in the same statement. The last column is
-- a hint, per stage, that nothing but running jobs was left when this statement started; the
-- caller then runs StageAdvance after the commit (which decides, under the build lock). The
-- hint is computed once per stage (MATERIALIZED: inlined, it ran once per finished row) and
-- reads the partial index jobs_stage_open (012) from its newest entry: ORDER BY id … LIMIT 1
-- makes the planner take the index where NOT EXISTS let it scan the table, and in claim order
-- the newest jobs of a stage are the last to go.
WITH finished AS (
    DELETE FROM jobs AS j
    USING unnest($2::bigint[], $3::integer[], $4::jsonb[]) AS c (id, attempt, result)
    WHERE j.id = c.id AND j.attempt = c.attempt AND j.worker_id = $1 AND j.state = 'running'
    RETURNING j.id, j.build_id, j.layer, j.stage, j.kind, j.payload, j.priority, j.locality, j.max_runtime,
              j.cores, j.memory_mb, j.attempt, j.worker_id, j.created_at, j.claimed_at, c.result
), recorded AS (
    INSERT INTO job_history (job_id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
                             cores, memory_mb, outcome, attempt, worker_id, enqueued_at, started_at, result)
    SELECT id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
           cores, memory_mb, 'succeeded', attempt, worker_id, created_at, claimed_at, result
    FROM finished
    RETURNING 1
), stages AS MATERIALIZED (
    SELECT s.build_id, s.layer, s.stage,
           (SELECT o.id FROM jobs o
            WHERE o.build_id = s.build_id AND o.layer = s.layer AND o.stage = s.stage AND o.state <> 'running'
            ORDER BY o.id DESC LIMIT 1) IS NULL AS drained
    FROM (SELECT DISTINCT build_id, layer, stage FROM finished) AS s
)
SELECT f.id, f.build_id, f.layer, f.stage, s.drained
FROM finished f JOIN stages s USING (build_id, layer, stage);

-- name: JobsFail :many
-- params: worker WorkerID, jobs [Int64], attempts [Int], kinds [String], messages [String]
-- returns: id Int64, state String, retry_in Double?
-- Failure: back to `available` after a jittered backoff, or dead-lettered when permanent or
-- out of attempts; the error is logged with its attempt either way.
WITH input AS (
    SELECT * FROM unnest($2::bigint[], $3::integer[], $4::text[], $5::text[]) AS f (id, attempt, kind, message)
), failed AS (
    UPDATE jobs AS j
    SET state = queue_requeue_state(j.attempt, j.max_attempts, f.kind = 'permanent', j.cancel_requested, b.state),
        run_at = now() + queue_backoff(j.attempt, b.backoff_base, b.backoff_cap),
        worker_id = NULL, claimed_at = NULL, deadline_at = NULL,
        last_error = left(f.message, 4000)
    FROM input f, builds b
    WHERE j.id = f.id AND j.attempt = f.attempt AND j.worker_id = $1 AND j.state = 'running'
      AND b.id = j.build_id
    RETURNING j.id, j.build_id, j.attempt, j.state, j.run_at, f.kind, f.message
), logged AS (
    INSERT INTO job_errors (job_id, build_id, attempt, worker_id, kind, message)
    SELECT id, build_id, attempt, $1, kind, message FROM failed
    RETURNING 1
)
SELECT id, state, extract(epoch FROM run_at - now())::float8 AS retry_in FROM failed;

-- name: JobsRelease :many
-- params: worker WorkerID, jobs [Int64], attempts [Int]
-- returns: id Int64, notified Bool
-- Graceful shutdown: unfinished jobs go back at once and the attempt is given back.
WITH released AS (
    UPDATE jobs AS j
    SET state = queue_requeue_state(0::smallint, j.max_attempts, false, j.cancel_requested, b.state),
        attempt = j.attempt - 1, run_at = now(),
        worker_id = NULL, claimed_at = NULL, deadline_at = NULL
    FROM unnest($2::bigint[], $3::integer[]) AS r (id, attempt), builds b
    WHERE j.id = r.id AND j.attempt = r.attempt AND j.worker_id = $1 AND j.state = 'running'
      AND b.id = j.build_id
    RETURNING j.id
)
SELECT id, pg_notify('illuminati_jobs', '') IS NULL AS notified FROM released;

-- name: JobCancelAcknowledge :many
-- params: worker WorkerID, job Int64, attempt Int
-- returns: job_id Int64
-- The worker stopped a job whose build was cancelled: it leaves for the history as cancelled.
WITH gone AS (
    DELETE FROM jobs AS j
    WHERE j.id = $2 AND j.attempt = $3 AND j.worker_id = $1 AND j.state = 'running' AND j.cancel_requested
    RETURNING j.*
)
INSERT INTO job_history (job_id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
                         cores, memory_mb, outcome, attempt, worker_id, enqueued_at, started_at)
SELECT id, build_id, layer, stage, kind, payload, priority, locality, max_runtime,
       cores, memory_mb, 'cancelled', attempt, worker_id, created_at, claimed_at
FROM gone
RETURNING job_id;
