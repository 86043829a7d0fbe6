-- Statements about the cluster itself, run on its maintenance database.

-- name: DatabaseExists :many
-- params: name String
-- returns: present Int
SELECT 1 AS present FROM pg_database WHERE datname = $1;

-- For the rest of the session: statements running longer than $1 (e.g. '5000ms') are cancelled.
-- name: SetStatementTimeout :many
-- params: timeout String
-- returns: statement_timeout String
SELECT set_config('statement_timeout', $1, false) AS statement_timeout;
