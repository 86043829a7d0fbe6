import ArgumentParser
import IlluminatiPostgres
import IlluminatiSchema

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (also done automatically on start).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withDatabase(migrate: false) { session in
            let outcome = try Migrator(migrations: Schema.migrations).migrate(session.connection)
            for migration in outcome.applied {
                print("applied \(String(format: "%03d", migration.version)) \(migration.name)")
            }
            print("schema version \(outcome.current)" + (outcome.applied.isEmpty ? " (up to date)" : ""))
        }
    }
}
