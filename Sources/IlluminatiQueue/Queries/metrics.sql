-- The queue's state as gauges, read on every scrape of /metrics (QueueGauges): one statement,
-- over the small live-jobs table, the workers, and per build not over its latest and recent
-- completions (index job_history_build_finished). Every series of a build not over exists,
-- at zero where nothing is counted.

-- name: QueueGauges :many
-- params: job_states [String], build_states [String]
-- returns: gauge String, build Int64?, layer String?, state String?, value Double
WITH known AS (
    SELECT b.id, b.state, b.started_at FROM builds b WHERE b.state = ANY ($2::text[])
), live AS (
    SELECT j.build_id, j.layer, j.state, count(*) AS jobs FROM jobs j GROUP BY j.build_id, j.layer, j.state
), progress AS (
    SELECT k.id, k.state, k.started_at,
           (SELECT coalesce(sum(l.jobs), 0) FROM live l WHERE l.build_id = k.id) AS remaining,
           (SELECT count(*) FROM job_history h
            WHERE h.build_id = k.id AND h.finished_at > now() - interval '5 minutes' AND h.outcome = 'succeeded') AS recent,
           (SELECT max(h.finished_at) FROM job_history h WHERE h.build_id = k.id) AS latest
    FROM known k
), claimable AS (
    -- JobsClaim's condition before the fit to a worker (the KEDA trigger counts the same).
    SELECT count(*) AS jobs, min(run_at) AS oldest FROM jobs
    WHERE state = 'available' AND run_at <= now() AND attempt < max_attempts
)
SELECT 'jobs' AS gauge, k.id AS build, s.layer, js.state, coalesce(l.jobs, 0)::float8 AS value
FROM known k
CROSS JOIN LATERAL (SELECT DISTINCT st.layer FROM build_stages st WHERE st.build_id = k.id) s
CROSS JOIN unnest($1::text[]) AS js (state)
LEFT JOIN live l ON l.build_id = k.id AND l.layer = s.layer AND l.state = js.state
UNION ALL
SELECT 'build_state', k.id, NULL, bs.state, (k.state = bs.state)::integer::float8
FROM known k CROSS JOIN unnest($2::text[]) AS bs (state)
UNION ALL
SELECT 'build_remaining', p.id, NULL, NULL, p.remaining::float8 FROM progress p
UNION ALL
SELECT 'build_throughput', p.id, NULL, NULL, p.recent::float8 / 300 FROM progress p
UNION ALL
SELECT 'build_eta', p.id, NULL, NULL, CASE WHEN p.recent > 0 THEN p.remaining::float8 / (p.recent::float8 / 300) ELSE -1 END FROM progress p
UNION ALL
SELECT 'build_progress_age', p.id, NULL, NULL,
       CASE WHEN p.state = 'planned' THEN 0
            ELSE greatest(extract(epoch FROM now() - greatest(p.latest, p.started_at)), 0)::float8 END
FROM progress p
UNION ALL
SELECT 'dead_letters', NULL, NULL, NULL, (SELECT count(*) FROM jobs WHERE state = 'failed')::float8
UNION ALL
SELECT 'claimable', NULL, NULL, NULL, (SELECT jobs FROM claimable)::float8
UNION ALL
SELECT 'oldest_claimable_age', NULL, NULL, NULL,
       coalesce(extract(epoch FROM now() - (SELECT oldest FROM claimable)), 0)::float8
UNION ALL
SELECT 'workers_alive', NULL, NULL, NULL, (SELECT count(*) FROM v_workers WHERE alive)::float8;
