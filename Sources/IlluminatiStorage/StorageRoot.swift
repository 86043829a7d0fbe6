import Foundation

/// The shared storage root, below which every experiment has its folder: `--storage`, else
/// `ILLUMINATI_STORAGE`, else `<state folder>/storage`; absolute.
public struct StorageRoot: Hashable, Sendable {
    public static let environmentVariable = "ILLUMINATI_STORAGE"

    public let path: String
    /// Whether it is the state folder's own (chosen by neither the option nor the environment),
    /// which is private like the state folder.
    public let isDefault: Bool

    /// Nil when nothing names a root: no option, no environment variable, no state folder, or
    /// an empty name.
    public init?(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                 stateDirectory: String?) {
        let chosen = option ?? environment[Self.environmentVariable]
        guard let named = chosen ?? stateDirectory.map({ $0 + "/storage" }), !named.isEmpty else { return nil }
        path = URL(fileURLWithPath: named).standardizedFileURL.path
        isDefault = chosen == nil
    }

    /// The folder of an experiment on this root.
    public func experiment(_ name: String) -> ExperimentStorage { ExperimentStorage(root: path, experiment: name) }

    /// Creates the root when it is missing: the default one as a private folder in the state
    /// folder (which must exist), a chosen one with its parents and the user's umask. It must
    /// then be writable.
    public func create() throws {
        if isDefault {
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw StorageError.system(path, "cannot create the storage") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw StorageError(path: path, reason: "the storage cannot be created: \(error.localizedDescription)")
            }
        }
        guard access(path, W_OK) == 0 else { throw StorageError(path: path, reason: "the storage is not writable") }
    }

    /// Whether the root is a folder (workers do not create it: it is where the shared storage is mounted).
    public var exists: Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
