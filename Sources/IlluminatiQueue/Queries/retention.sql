-- Retention of finished work (Migrations/011): what is pruned, by whom, and at which age.

-- name: QueuePrune :one
-- params: max_rows Int, older_than Double?, only_if_idle Bool
-- returns: history Int, errors Int
SELECT history, errors FROM queue_prune($1, make_interval(secs => $2), $3);

-- name: QueuePrunable :one
-- params: older_than Double?
-- returns: history Int, errors Int
SELECT history, errors FROM queue_prunable(make_interval(secs => $1));

-- name: QueueHistoryRetention :one
-- returns: seconds Double
SELECT extract(epoch FROM queue_history_retention())::float8 AS seconds;
