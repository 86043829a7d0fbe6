-- Statements about the cluster itself, run on its maintenance database.

-- name: DatabaseExists :many
SELECT 1 AS present FROM pg_database WHERE datname = $1;
