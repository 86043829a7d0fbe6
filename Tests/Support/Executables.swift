import Foundation

/// Runs the package's built executables as real processes.
public enum Executables {
    /// The folder holding the built products: next to the test bundle.
    public static var productsDirectory: String {
        if let configured = ProcessInfo.processInfo.environment["ILLUMINATI_PRODUCTS"] { return configured }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("illuminati").path) { return url.path }
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `product` with `arguments`; `environment` replaces the variables it names, and
    /// every database variable not named is removed so tests never reach a stray database.
    public static func run(_ product: String, _ arguments: [String], environment: [String: String] = [:],
                           currentDirectory: String? = nil) throws -> Outcome {
        let process = try start(product, arguments, environment: environment, currentDirectory: currentDirectory)
        return process.finish()
    }

    public final class Running: @unchecked Sendable {
        let process: Process
        let stdoutFile: String
        let stderrFile: String

        init(process: Process, stdoutFile: String, stderrFile: String) {
            self.process = process
            self.stdoutFile = stdoutFile
            self.stderrFile = stderrFile
        }

        /// A process the test stopped, or let run out, without waiting for it (it threw first)
        /// leaves no output files behind; one still running keeps them.
        deinit {
            guard !process.isRunning else { return }
            try? FileManager.default.removeItem(atPath: stdoutFile)
            try? FileManager.default.removeItem(atPath: stderrFile)
        }

        public var pid: Int32 { process.processIdentifier }

        public func finish() -> Outcome {
            process.waitUntilExit()
            let out = (try? String(contentsOfFile: stdoutFile, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: stdoutFile)
            try? FileManager.default.removeItem(atPath: stderrFile)
            return Outcome(status: process.terminationStatus, stdout: out, stderr: err)
        }
    }

    public static func start(_ product: String, _ arguments: [String], environment: [String: String] = [:],
                             currentDirectory: String? = nil) throws -> Running {
        try TestLane.require("process", for: "starting \(product)")
        let executable = productsDirectory + "/" + product
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestSupportError("\(executable) not found; run `swift build` before `swift test` (make test does)")
        }
        return try start(executable: executable, arguments, environment: environment, currentDirectory: currentDirectory)
    }

    /// Runs a program of the system, found on PATH (`scripts/install-deps --test` installs
    /// those the tests use), such as `unzip` or `python3`.
    public static func runTool(_ name: String, _ arguments: [String]) throws -> Outcome {
        try startTool(name, arguments).finish()
    }

    /// Starts a program of the system, found on PATH, that runs until it is stopped (a static
    /// file server: `python3 -m http.server`).
    public static func startTool(_ name: String, _ arguments: [String]) throws -> Running {
        try TestLane.require("process", for: "starting \(name)")
        return try start(executable: "/usr/bin/env", [name] + arguments)
    }

    private static func start(executable: String, _ arguments: [String], environment: [String: String] = [:],
                              currentDirectory: String? = nil) throws -> Running {
        var env = ProcessInfo.processInfo.environment.filter { key, _ in key != "DATABASE_URL" && !key.hasPrefix("PG") }
        for (key, value) in environment { env[key] = value }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let base = NSTemporaryDirectory() + "/illuminati-out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, stdoutFile: base + ".out", stderrFile: base + ".err")
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
