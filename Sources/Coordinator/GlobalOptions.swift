import ArgumentParser
import Foundation
import IlluminatiCommandLine
import IlluminatiPostgres
import IlluminatiSchema
import Logging

/// Options every database-using command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "PostgreSQL connection URL or libpq string (default: DATABASE_URL, then PG* variables, then a private cluster).",
        valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Folder for the private cluster and demo data.", valueName: "dir"))
    var stateDir: String = ".illuminati"

    @OptionGroup var log: LogLevelOptions

    var logger: Logger {
        log.bootstrap()
        return Logger(label: "illuminati")
    }

    var databaseTarget: DatabaseTarget {
        DatabaseTarget.resolve(databaseURL: databaseURL, stateDirectory: stateDir,
                               environment: ProcessInfo.processInfo.environment)
    }

    /// Opens the database (starting the private cluster if that is the target), applies
    /// pending migrations, runs `body`, and releases the cluster afterwards (an interrupt
    /// releases it too: see InterruptionGuard).
    func withDatabase<T>(migrate: Bool = true, _ body: (DatabaseSession) throws -> T) throws -> T {
        let session = try DatabaseSession.open(databaseTarget, migrate: migrate ? Schema.migrations : [], logger: logger)
        defer { session.close() }
        return try body(session)
    }
}
