@testable import SQLCodegen
import Testing

@Suite struct MigrationsTests {
    @Test func filesBecomeTheTargetsListInVersionOrder() {
        let migrations = Migrations(files: [
            (path: "/t/Migrations/008_stages.sql", text: "ALTER TABLE jobs RENAME level TO stage;\n"),
            (path: "/t/Migrations/002_queue.sql", text: "CREATE TABLE jobs (s text DEFAULT '\"#');"),
        ])
        #expect(migrations.diagnostics.isEmpty)
        #expect(migrations.files == [
            Migrations.File(version: 2, name: "queue", text: "CREATE TABLE jobs (s text DEFAULT '\"#');"),
            Migrations.File(version: 8, name: "stages", text: "ALTER TABLE jobs RENAME level TO stage;\n"),
        ])
        #expect(migrations.source(schema: "QueueSchema") == """
            /// This target's migrations (`Migrations/*.sql`), in version order.
            public enum QueueSchema {
                public static let migrations: [Migration] = [
                    Migration(version: 2, name: "queue", sql: ##\"\"\"
            CREATE TABLE jobs (s text DEFAULT '"#');
            \"\"\"##),
                    Migration(version: 8, name: "stages", sql: #\"\"\"
            ALTER TABLE jobs RENAME level TO stage;

            \"\"\"#),
                ]
            }

            """)
    }

    @Test func aTargetWithoutMigrationsDeclaresNoList() {
        #expect(Migrations(files: []).source(schema: "PostgresSchema") == "")
    }

    @Test func aBadNameOrARepeatedVersionFailsTheBuild() {
        let migrations = Migrations(files: [
            (path: "/t/Migrations/001_model.sql", text: ""),
            (path: "/t/Migrations/model.sql", text: ""),
            (path: "/t/Migrations/000_zero.sql", text: ""),
            (path: "/t/Migrations/002.sql", text: ""),
            (path: "/t/Migrations/001_again.sql", text: ""),
        ])
        #expect(migrations.files.map(\.version) == [1])
        #expect(migrations.diagnostics.map(\.description) == [
            "/t/Migrations/model.sql:1: error: a migration is named NNN_name.sql (its version, then its name), not model.sql",
            "/t/Migrations/000_zero.sql:1: error: a migration is named NNN_name.sql (its version, then its name), not 000_zero.sql",
            "/t/Migrations/002.sql:1: error: a migration is named NNN_name.sql (its version, then its name), not 002.sql",
            "/t/Migrations/001_again.sql:1: error: version 1 is also 001_model.sql",
        ])
    }
}
