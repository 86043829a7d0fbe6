import Foundation
import PackagePlugin

/// Embeds the package's `migrations/*.sql` and the target's `Queries/*.sql` into the target,
/// so that a binary installed anywhere carries its schema and its named statements.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let migrations = sqlFiles(in: context.package.directoryURL.appending(path: "migrations"))
        let queries = sqlFiles(in: target.directoryURL.appending(path: "Queries"))
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        return [
            .buildCommand(
                displayName: "Embedding SQL into \(target.name)",
                executable: try context.tool(named: "SQLEmbedder").url,
                arguments: [output.path, "--migrations"] + migrations.map(\.path) + ["--queries"] + queries.map(\.path),
                inputFiles: migrations + queries,
                outputFiles: [output])
        ]
    }

    private func sqlFiles(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { directory.appending(path: $0) }
    }
}
