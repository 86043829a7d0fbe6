// The physical limit: the smallest SKIP LOCKED queue that still fences completions by attempt,
// in its own tables of the same database. Claim picks in claim order over a partial index on
// available rows and leases them; complete deletes the leased rows into a history table. No
// workers, stages, resources, errors or heartbeats: what any queue on this PostgreSQL pays.
import Foundation
import IlluminatiPostgres

enum MinimalQueue {
    static let schema = """
        CREATE TABLE mq_jobs (
            id bigserial PRIMARY KEY,
            priority integer NOT NULL DEFAULT 0,
            run_at timestamptz NOT NULL DEFAULT now(),
            state text NOT NULL DEFAULT 'available',
            attempt integer NOT NULL DEFAULT 0,
            worker_id uuid,
            payload jsonb NOT NULL
        );
        CREATE INDEX mq_jobs_available ON mq_jobs (priority, run_at, id) WHERE state = 'available';
        CREATE INDEX mq_jobs_running ON mq_jobs (id) WHERE state = 'running';
        CREATE TABLE mq_history (
            id bigint NOT NULL,
            attempt integer NOT NULL,
            worker_id uuid,
            payload jsonb NOT NULL,
            finished_at timestamptz NOT NULL DEFAULT now()
        );
        """

    /// Leases up to $1 jobs to worker $2, in claim order.
    static let claim = """
        WITH picked AS (
            SELECT id FROM mq_jobs
            WHERE state = 'available' AND run_at <= now()
            ORDER BY priority, run_at, id
            LIMIT $1
            FOR NO KEY UPDATE SKIP LOCKED
        )
        UPDATE mq_jobs AS j SET state = 'running', attempt = j.attempt + 1, worker_id = $2
        FROM picked WHERE j.id = picked.id
        RETURNING j.id, j.attempt
        """

    /// Moves the leased jobs $1 (attempts $2) to the history; returns those still leased.
    static let complete = """
        WITH done AS (
            DELETE FROM mq_jobs AS j
            USING unnest($1::bigint[], $2::integer[]) AS c (id, attempt)
            WHERE j.id = c.id AND j.attempt = c.attempt AND j.state = 'running'
            RETURNING j.id, j.attempt, j.worker_id, j.payload
        )
        INSERT INTO mq_history (id, attempt, worker_id, payload)
        SELECT id, attempt, worker_id, payload FROM done
        RETURNING id
        """

    /// One pgbench transaction: the claim as one row of arrays (pgbench's \\gset needs exactly
    /// one row), then the completion, with pgbench variables for the parameters.
    static let pgbenchScript = claim.replacingOccurrences(of: "\nUPDATE mq_jobs", with: ",\nclaimed AS (\nUPDATE mq_jobs")
        .replacingOccurrences(of: "$1", with: ":batch").replacingOccurrences(of: "$2", with: ":worker")
        + "\n)\nSELECT coalesce(array_agg(id), '{}') AS ids, coalesce(array_agg(attempt), '{}') AS attempts FROM claimed\n\\gset\n"
        + complete.replacingOccurrences(of: "$1", with: ":ids").replacingOccurrences(of: "$2", with: ":attempts") + ";\n"

    /// Empties both tables and queues `count` jobs with the same payloads as ours.
    static func reset(_ db: DatabaseConnection, count: Int) throws {
        try db.executeScript("TRUNCATE mq_jobs, mq_history", name: "mq reset")
        try db.executeScript("""
            INSERT INTO mq_jobs (payload) SELECT jsonb_build_object('tile', n) FROM generate_series(0, \(count - 1)) AS n
            """, name: "mq enqueue")
        for command in ["VACUUM (ANALYZE) mq_jobs", "VACUUM (ANALYZE) mq_history", "CHECKPOINT"] {
            try db.executeScript(command, name: command)
        }
    }

    static func remaining(_ db: DatabaseConnection) throws -> Int {
        try db.execute("SELECT count(*) AS n FROM mq_jobs", name: "mq remaining").one().int("n")
    }
}
