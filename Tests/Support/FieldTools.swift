import Foundation

/// The field's validators the tests run against the server: promtool from Debian's
/// `prometheus`, and iiif-validator and schemathesis, which `scripts/install-deps --test`
/// installs from PyPI into `.build/field-tools`. A missing tool fails its test with the
/// command that installs it: the clients are the tests, so they are never skipped.
public enum FieldTools {
    public struct Missing: Error, CustomStringConvertible {
        public let tool: String
        public var description: String {
            "\(tool) is not installed; run `scripts/install-deps --test` (or `make test`), which installs it"
        }
    }

    /// The path of `name`, a command of the PyPI tools' virtual environment.
    public static func python(_ name: String) throws -> String {
        let path = fieldToolsDirectory + "/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(tool: path) }
        return path
    }

    /// The path of `name`, a command installed from Debian's packages (daemons included).
    public static func system(_ name: String) throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        throw Missing(tool: name)
    }

    /// `.build/field-tools` of the package: the products folder is `.build/<triple>/debug`.
    static var fieldToolsDirectory: String {
        if let configured = ProcessInfo.processInfo.environment["ILLUMINATI_FIELD_TOOLS"] { return configured }
        var url = URL(fileURLWithPath: Executables.productsDirectory)
        while url.path != "/" {
            if url.lastPathComponent == ".build" { return url.appendingPathComponent("field-tools").path }
            url.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/field-tools"
    }

    /// Runs `executable` with `arguments` (and `input` on its standard input), with a time limit,
    /// and returns its status and output (stdout and stderr together, as a person reading the
    /// tool's report would see it).
    public static func run(_ executable: String, _ arguments: [String], input: String = "", timeout: Duration = .seconds(300),
                           environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let outputFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("field-tool-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        // From a file, not a pipe: a tool that answers before reading all of it cannot block us.
        let inputFile = outputFile.appendingPathExtension("input")
        FileManager.default.createFile(atPath: inputFile.path, contents: Data(input.utf8), attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(at: inputFile) }
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let end = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < end { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? handle.close()
            let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            return (-1, "timed out after \(timeout)\n" + output)
        }
        try? handle.close()
        return (process.terminationStatus, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }
}
