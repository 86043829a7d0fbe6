import Foundation
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSchema
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct MigrationTests {
    let schema = Migrator(migrations: Schema.migrations)

    @Test func appliesEveryMigrationOnceAndRecordsIt() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        let first = try schema.migrate(db)
        #expect(first.applied.map(\.version) == schema.migrations.map(\.version))
        #expect(!schema.migrations.isEmpty)
        let second = try schema.migrate(db)
        #expect(second.applied.isEmpty)
        #expect(second.current == schema.migrations.last!.version)
        let recorded = try db.execute("SELECT version FROM schema_migrations ORDER BY version", name: "versions").rows
        #expect(try recorded.map { try $0.int("version") } == schema.migrations.map(\.version))
    }

    @Test func migrationsAreIdempotentScripts() throws {
        // Running a script a second time, outside the runner, on the schema it made must not
        // fail. (Not on the newest schema: 008 renamed what 002 creates, so 002 cannot run there.)
        let (_, db) = try TestDatabase.create(migrated: false)
        for migration in schema.migrations {
            try Migrator.through(migration.version).migrate(db)
            try db.executeScript(migration.sql, name: migration.name)
        }
        #expect(try schema.migrate(db).applied.isEmpty)
    }

    @Test func concurrentRunnersApplyEachMigrationExactlyOnce() throws {
        let (conninfo, db) = try TestDatabase.create(migrated: false)
        let errors = NSLock()
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                try schema.migrate(try DatabaseConnection(conninfo: conninfo))
            } catch {
                errors.lock(); failures.append("\(error)"); errors.unlock()
            }
        }
        #expect(failures.isEmpty)
        let count = try db.execute("SELECT count(*) AS n FROM schema_migrations", name: "count").one().int("n")
        #expect(count == schema.migrations.count)
    }

    @Test func anEditedMigrationIsRefused() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        try schema.migrate(db)
        var edited = schema.migrations
        edited[0] = Migration(version: edited[0].version, name: edited[0].name, sql: edited[0].sql + "\n-- edited")
        #expect(throws: DatabaseError.migrationChanged(version: edited[0].version, name: edited[0].name)) {
            try Migrator(migrations: edited).migrate(db)
        }
    }

    @Test func theOwnersVersionsAreOneSequenceWithoutGaps() {
        #expect(Schema.migrations.map(\.version).sorted() == Array(1...Schema.migrations.count))
    }

    /// Every `Sources/*/Migrations/*.sql` is in the whole schema, from its owner's list.
    @Test func theWholeSchemaIsEveryOwnersFiles() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources").standardizedFileURL
        func files(_ target: String) throws -> [String] {
            let folder = sources.appendingPathComponent(target + "/Migrations").path
            guard FileManager.default.fileExists(atPath: folder) else { return [] }
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        }
        func names(_ migrations: [Migration]) -> [String] {
            migrations.map { String(format: "%03d_", $0.version) + $0.name + ".sql" }
        }
        #expect(try files("IlluminatiDatabase") == names(DatabaseSchema.migrations))
        #expect(try files("IlluminatiQueue") == names(QueueSchema.migrations))
        let owners = try FileManager.default.contentsOfDirectory(atPath: sources.path)
        #expect(try owners.flatMap(files).sorted() == names(schema.migrations))
    }

    /// The queue's 002 references the experiments of 001: listed first, it still runs second.
    @Test func migrationsRunInVersionOrderWhateverTheOwnersOrder() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        let applied = try Migrator(migrations: QueueSchema.migrations + DatabaseSchema.migrations).migrate(db).applied
        #expect(applied.map(\.version) == Array(1...Schema.migrations.count))
    }
}
