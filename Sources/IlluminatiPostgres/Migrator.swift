import Foundation

/// One numbered schema change: a `Migrations/NNN_name.sql` file of the target that owns what it
/// changes, embedded at build time in that target's list (`DatabaseSchema.migrations`,
/// `QueueSchema.migrations`). The numbers are one sequence across the owners.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// FNV-1a of the text: detects a migration edited after it was applied.
    public var checksum: String { String(fnv1a64(sql), radix: 16) }
}

/// Applies migrations in version order, each in its own transaction together with its record in
/// `schema_migrations`. A session advisory lock serialises concurrent runners, so two
/// processes starting at once apply each migration exactly once.
public struct Migrator: Sendable {
    /// In version order.
    public let migrations: [Migration]

    /// `migrations`: the owners' lists, in any order. They run by version, whoever owns them,
    /// because one owner's migration may build on another's (the queue's builds reference the
    /// experiments).
    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    public struct Outcome: Sendable, Equatable {
        public var applied: [Migration]
        public var current: Int
    }

    @discardableResult
    public func migrate(_ connection: DatabaseConnection) throws -> Outcome {
        let versions = migrations.map(\.version)
        precondition(Set(versions).count == versions.count, "two migrations share a version number")
        // Every command migrates on start; when nothing is pending, one read says so without
        // the lock, the table check and their round trips. Rows are only ever added, so a
        // schema up to date now stays so.
        if let recorded = try? recordedChecksums(connection),
           migrations.allSatisfy({ recorded[$0.version] == $0.checksum }) {
            return Outcome(applied: [], current: max(versions.max() ?? 0, recorded.keys.max() ?? 0))
        }
        try connection.migrationsLock()
        defer { _ = try? connection.migrationsUnlock() }
        try connection.migrationsTableCreate()
        let recorded = try recordedChecksums(connection)
        var applied: [Migration] = []
        for migration in migrations {
            if let checksum = recorded[migration.version] {
                guard checksum == migration.checksum else {
                    throw DatabaseError.migrationChanged(version: migration.version, name: migration.name)
                }
                continue
            }
            try connection.transaction { _ in
                try connection.executeScript(migration.sql, name: "migration \(migration.version) \(migration.name)")
                try connection.migrationRecord(version: migration.version, name: migration.name, checksum: migration.checksum)
            }
            applied.append(migration)
        }
        return Outcome(applied: applied, current: max(versions.max() ?? 0, recorded.keys.max() ?? 0))
    }

    /// Version → checksum of every applied migration.
    private func recordedChecksums(_ connection: DatabaseConnection) throws -> [Int: String] {
        var recorded: [Int: String] = [:]
        for row in try connection.migrationsApplied() {
            recorded[row.version] = row.checksum
        }
        return recorded
    }
}
