-- The migrations runner's own bookkeeping. The table is created before any migration runs,
-- so it is not a migration itself.

-- name: MigrationsLock :exec
SELECT pg_advisory_lock(7243419110528201);

-- name: MigrationsUnlock :exec
SELECT pg_advisory_unlock(7243419110528201);

-- name: MigrationsTableCreate :exec
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer     PRIMARY KEY CHECK (version > 0),
    name        text        NOT NULL,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- name: MigrationsApplied :many
-- returns: version Int, name String, checksum String, applied_at String
SELECT version, name, checksum, applied_at::text AS applied_at FROM schema_migrations ORDER BY version;

-- name: MigrationRecord :exec
-- params: version Int, name String, checksum String
INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3);
