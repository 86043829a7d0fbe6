import Foundation
import PackagePlugin

/// Embeds the package's `migrations/*.sql` and turns the target's annotated `Queries/*.sql`
/// into typed accessors (docs/sql.md), so that a binary installed anywhere carries its schema
/// and its statements, and a statement is called by a checked name with typed parameters.
@main
struct EmbedSQL: BuildToolPlugin {
    /// Defines `StatementRunner`, which every other target's accessors extend.
    static let driverTarget = "IlluminatiPostgres"

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let migrations = sqlFiles(in: context.package.directoryURL.appending(path: "migrations"))
        let queries = sqlFiles(in: target.directoryURL.appending(path: "Queries"))
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        // IlluminatiQueue → QueueQueries. The driver's statements are public: the server and the
        // worker run some of them; another target's stay inside it.
        let namespace = String(target.name.trimmingPrefix("Illuminati")) + "Queries"
        let isDriver = target.name == Self.driverTarget
        let options = ["--namespace", namespace] + (isDriver ? ["--public"] : ["--import", Self.driverTarget])
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
