import Foundation

/// The state folder (`--state-dir`, default `.illuminati`): the private cluster, the default
/// storage and the demo's data. When illuminati creates it, it is private to the user: mode
/// 0700, or 0711 when running as root, so that the `postgres` server user can pass through to
/// its own 0700 folder inside without being able to list or read anything else; what
/// illuminati keeps in it by default (storage, the demo's plate) is then made 0700 too.
public enum StateFolder {
    /// Creates `path` (and missing parents, with the usual umask) if it is missing.
    public static func ensure(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) != 0 else { return }
        let parent = (path as NSString).deletingLastPathComponent
        do {
            if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        } catch {
            throw DatabaseError.clusterFailed("cannot create the state folder \(path): \(error.localizedDescription)")
        }
        let mode: mode_t = getuid() == 0 ? 0o711 : 0o700
        guard mkdir(path, mode) == 0 || errno == EEXIST else {
            throw DatabaseError.clusterFailed("cannot create the state folder \(path): \(String(cString: strerror(errno)))")
        }
        chmod(path, mode)  // mkdir's mode passes through the umask
    }

    /// Creates `path`, a folder inside an existing state folder, with mode 0700 if it is missing.
    public static func ensurePrivate(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw DatabaseError.clusterFailed("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }
}
