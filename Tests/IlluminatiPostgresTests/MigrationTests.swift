import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct MigrationTests {
    @Test func appliesEveryMigrationOnceAndRecordsIt() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        let first = try Migrator().migrate(db)
        #expect(first.applied.map(\.version) == Migration.embedded.map(\.version))
        #expect(!Migration.embedded.isEmpty)
        let second = try Migrator().migrate(db)
        #expect(second.applied.isEmpty)
        #expect(second.current == Migration.embedded.last!.version)
        let recorded = try db.execute("SELECT version FROM schema_migrations ORDER BY version", name: "versions").rows
        #expect(try recorded.map { try $0.int("version") } == Migration.embedded.map(\.version))
    }

    @Test func migrationsAreIdempotentScripts() throws {
        // Running a script a second time, outside the runner, on the schema it made must not
        // fail. (Not on the newest schema: 008 renamed what 002 creates, so 002 cannot run there.)
        let (_, db) = try TestDatabase.create(migrated: false)
        for migration in Migration.embedded {
            try Migrator.through(migration.version).migrate(db)
            try db.executeScript(migration.sql, name: migration.name)
        }
        #expect(try Migrator().migrate(db).applied.isEmpty)
    }

    @Test func concurrentRunnersApplyEachMigrationExactlyOnce() throws {
        let (conninfo, db) = try TestDatabase.create(migrated: false)
        let errors = NSLock()
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                try Migrator().migrate(try DatabaseConnection(conninfo: conninfo))
            } catch {
                errors.lock(); failures.append("\(error)"); errors.unlock()
            }
        }
        #expect(failures.isEmpty)
        let count = try db.execute("SELECT count(*) AS n FROM schema_migrations", name: "count").one().int("n")
        #expect(count == Migration.embedded.count)
    }

    @Test func anEditedMigrationIsRefused() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        try Migrator().migrate(db)
        var edited = Migration.embedded
        edited[0] = Migration(version: edited[0].version, name: edited[0].name, sql: edited[0].sql + "\n-- edited")
        #expect(throws: DatabaseError.migrationChanged(version: edited[0].version, name: edited[0].name)) {
            try Migrator(migrations: edited).migrate(db)
        }
    }

    @Test func migrationFilesAreNumberedWithoutGaps() {
        #expect(Migration.embedded.map(\.version) == Array(1...Migration.embedded.count))
    }
}
