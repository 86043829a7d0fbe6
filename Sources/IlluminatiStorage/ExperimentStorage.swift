import Foundation

/// One experiment's folder on the storage, `<root>/<experiment>`, or the output folder of
/// `illuminati pyramid`, laid out the same way (`ExperimentLayout`, `LayerLayout`). Every node
/// mounts the storage where it likes; paths below the root are the same everywhere.
///
/// The root (or the output folder) is the user's choice and is used as given, links and all;
/// below it illuminati makes the folders itself, private to the user, and refuses a link
/// in their place (`StorageFolder`).
public struct ExperimentStorage: Hashable, Sendable {
    /// Every file of the experiment lies below this folder.
    public let directory: String
    /// How its pyramids are kept: shards, what builds write, unless `illuminati pyramid`
    /// is asked for a plain DeepZoom folder.
    public let pyramidFormat: PyramidFormat
    /// The folder the user chose, and the names below it that lead to `directory`.
    private let base: String
    private let below: [String]

    /// `<root>/<experiment>`: the experiment's folder on the shared storage.
    public init(root: String, experiment: String, pyramidFormat: PyramidFormat = .shards) {
        base = Self.trimmed(root)
        below = [experiment]
        directory = (base == "/" ? "" : base) + "/" + experiment
        self.pyramidFormat = pyramidFormat
    }

    /// A folder the user named, laid out as an experiment's folder (`illuminati pyramid --output`).
    public init(directory: String, pyramidFormat: PyramidFormat = .shards) {
        base = Self.trimmed(directory)
        below = []
        self.directory = base
        self.pyramidFormat = pyramidFormat
    }

    /// The absolute path of `relative` (a path of `ExperimentLayout` or `LayerLayout`).
    public func path(_ relative: String) -> String { directory + "/" + relative }

    public func statisticsPath(channel: String) -> String { path(ExperimentLayout.statistics(channel: channel)) }

    public func partialStatisticsPath(channel: String, part: Int) -> String {
        path(ExperimentLayout.partialStatistics(channel: channel, part: part))
    }

    /// `path` relative to the experiment's folder, or nil when it lies elsewhere.
    public func relativePath(of path: String) -> String? {
        path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : nil
    }

    /// The pyramids kept in this folder, in its format.
    public var pyramids: any PyramidStore {
        switch pyramidFormat {
        case .shards: ShardPyramidStore(experiment: self)
        case .dzi: FilePyramidStore(experiment: self)
        }
    }

    /// Creates the folder when it is missing: a chosen base with its parents (and the user's
    /// umask), the experiment's folder below a root privately.
    public func create() throws {
        do {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        } catch {
            throw StorageError(path: base, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        _ = try makeFolder("")
    }

    /// Writes the file `relative` atomically through `body`, given the open temporary file;
    /// the folders on the way are made when missing.
    public func writeAtomically(_ relative: String, _ body: (_ file: Int32) throws -> Void) throws {
        let (folderPath, name) = Self.split(relative)
        try makeFolder(folderPath).writeAtomically(name, body)
    }

    func writeAtomically(_ relative: String, bytes: [UInt8]) throws {
        let (folderPath, name) = Self.split(relative)
        try bytes.withUnsafeBytes { try makeFolder(folderPath).writeAtomically(name, $0) }
    }

    /// Removes the files and folders `relative` (of this experiment's layout) that exist.
    func remove(_ relative: [String]) throws {
        for path in relative.map(path) { try Self.removeIfPresent(path) }
    }

    /// Removes the experiment's whole folder; false when there was none.
    @discardableResult
    public func remove() throws -> Bool {
        try Self.removeIfPresent(directory)
    }

    /// A link is removed itself, never what it points to.
    @discardableResult
    private static func removeIfPresent(_ path: String) throws -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return false }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw StorageError(path: path, reason: "cannot remove: \(error.localizedDescription)")
        }
        return true
    }

    /// Removes files of the experiment's folder (paths of `ExperimentLayout` or `LayerLayout`)
    /// and what killed writers of them left, so that a job that runs again starts clean.
    public func removeFiles(_ relative: [String]) throws {
        for (folder, names) in Dictionary(grouping: relative.map(Self.split), by: \.folder) {
            try self.folder(folder)?.removeFiles(Set(names.map(\.name)))
        }
    }

    /// Removes a channel's statistics and their partial sums.
    public func removeStatistics(channel: String) throws {
        try remove([ExperimentLayout.statistics(channel: channel), ExperimentLayout.partialStatisticsFolder(channel: channel)])
    }

    /// The folder `relative` ("" for the experiment's own), reached without following links
    /// below the base; nil when it is missing.
    func folder(_ relative: String) throws -> StorageFolder? {
        try StorageFolder.open(base: base, names(relative), creating: false)
    }

    /// The folder `relative`, made (with the folders on its way) when missing.
    func makeFolder(_ relative: String) throws -> StorageFolder {
        // Only a missing name makes `open` answer nil, and with `creating` every missing name is made.
        try StorageFolder.open(base: base, names(relative), creating: true)!
    }

    private func names(_ relative: String) -> [String] {
        below + (relative.isEmpty ? [] : relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    /// The folder part of a relative path and the file's name.
    static func split(_ relative: String) -> (folder: String, name: String) {
        guard let slash = relative.lastIndex(of: "/") else { return ("", relative) }
        return (String(relative[..<slash]), String(relative[relative.index(after: slash)...]))
    }

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
