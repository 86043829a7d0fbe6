-- The logs of the coordinator's phases (init, collect), one row per run of a phase.

-- name: PhaseLogInsert :one
-- params: experiment_id Int64, phase String, build_id Int64?, succeeded Bool, started_at Double
-- params: finished_at Double, host String, pid Int, entries String
-- returns: id Int64
INSERT INTO phase_logs (experiment_id, phase, build_id, succeeded, started_at, finished_at, host, pid, entries)
VALUES ($1, $2, $3, $4, to_timestamp($5), to_timestamp($6), $7, $8, $9::jsonb)
RETURNING id;

-- name: PhaseLogLatest :opt
-- params: experiment_id Int64, phase String
-- returns: id Int64, build_id Int64?, succeeded Bool, started_at String, finished_at String
-- returns: seconds Double, host String, pid Int, entries String
SELECT id, build_id, succeeded, started_at::text AS started_at, finished_at::text AS finished_at,
       extract(epoch FROM finished_at - started_at)::float8 AS seconds, host, pid, entries::text AS entries
FROM phase_logs WHERE experiment_id = $1 AND phase = $2
ORDER BY id DESC LIMIT 1;
