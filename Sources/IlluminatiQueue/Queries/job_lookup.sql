-- One job by id, wherever it is: still in the live table, or finished into the history.

-- name: JobLookup :opt
-- params: job Int64
-- returns: id Int64, build_id Int64, layer String, stage Int, kind String, payload String, state String
-- returns: attempt Int, max_attempts Int, enqueued_at String, started_at String?, finished_at String?
-- returns: result String?, last_error String?
SELECT j.id, j.build_id, j.layer, j.stage, j.kind, j.payload::text AS payload, j.state,
       j.attempt, j.max_attempts, j.created_at::text AS enqueued_at, j.claimed_at::text AS started_at,
       NULL::text AS finished_at, NULL::text AS result, j.last_error
FROM jobs j WHERE j.id = $1
UNION ALL
SELECT h.job_id, h.build_id, h.layer, h.stage, h.kind, h.payload::text, h.outcome,
       h.attempt, h.attempt, h.enqueued_at::text, h.started_at::text,
       h.finished_at::text, h.result::text, NULL
FROM job_history h WHERE h.job_id = $1
LIMIT 1;
