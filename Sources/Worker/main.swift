import ArgumentParser
import Foundation
import IlluminatiDatabase

/// The worker process. This version connects, checks the schema and reports; the
/// claim → render → write → complete loop is built on the job queue.
struct IlluminatiWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "illuminati-worker",
        abstract: "Renders pyramid tiles for jobs claimed from the PostgreSQL queue.",
        version: "0.1.0")

    @Option(name: .long, help: ArgumentHelp("PostgreSQL URL (default: DATABASE_URL, then PG* variables).", valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Join the private cluster of this state folder when no URL is given.", valueName: "dir"))
    var stateDir: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var conninfo = databaseURL ?? environment["DATABASE_URL"]
        if conninfo == nil || conninfo!.isEmpty {
            if DatabaseTarget.resolve(databaseURL: nil, stateDirectory: "", environment: environment) == .environment {
                conninfo = ""
            } else if let stateDir {
                // A worker never starts the private cluster; it joins the coordinator's.
                conninfo = try EmbeddedCluster(stateDirectory: stateDir).conninfo
            } else {
                throw ValidationError("no database configured: pass --database-url, set DATABASE_URL or PG* variables, or --state-dir of a running coordinator")
            }
        }
        let connection = try DatabaseConnection(conninfo: conninfo!, applicationName: "illuminati-worker")
        let applied = try connection.run(Statements.named("MigrationsApplied")).rows.count
        print("illuminati-worker \(Self.configuration.version): connected to PostgreSQL \(connection.serverVersion / 10000).\(connection.serverVersion % 10000), schema version \(applied)")
    }
}

do {
    var command = try IlluminatiWorker.parseAsRoot()
    do {
        try command.run()
    } catch let error as ValidationError {
        FileHandle.standardError.write(Data("illuminati-worker: error: \(error)\n".utf8))
        exit(2)
    } catch {
        FileHandle.standardError.write(Data("illuminati-worker: error: \(error)\n".utf8))
        exit(1)
    }
} catch {
    IlluminatiWorker.exit(withError: error)
}
