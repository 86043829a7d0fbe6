import Foundation
import PackagePlugin

/// Embeds the target's `Migrations/*.sql` and turns its annotated `Queries/*.sql` into typed
/// accessors (docs/sql.md), so that a binary installed anywhere carries its part of the schema
/// and its statements, and a statement is called by a checked name with typed parameters.
@main
struct EmbedSQL: BuildToolPlugin {
    /// Defines `StatementRunner`, which every other target's accessors extend.
    static let driverTarget = "IlluminatiPostgres"

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let migrations = sqlFiles(in: target.directoryURL.appending(path: "Migrations"))
        let queries = sqlFiles(in: target.directoryURL.appending(path: "Queries"))
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        // IlluminatiQueue → QueueQueries, QueueSchema. The driver's statements are public: the
        // server and the worker run some of them; another target's stay inside it.
        let stem = String(target.name.trimmingPrefix("Illuminati"))
        let isDriver = target.name == Self.driverTarget
        let options = ["--namespace", stem + "Queries", "--schema", stem + "Schema"]
            + (isDriver ? ["--public"] : ["--import", Self.driverTarget])
        return [
            .buildCommand(
                displayName: "Embedding SQL into \(target.name)",
                executable: try context.tool(named: "SQLEmbedder").url,
                arguments: [output.path] + options + ["--migrations"] + migrations.map(\.path)
                    + ["--queries"] + queries.map(\.path),
                inputFiles: migrations + queries,
                outputFiles: [output])
        ]
    }

    private func sqlFiles(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { directory.appending(path: $0) }
    }
}
