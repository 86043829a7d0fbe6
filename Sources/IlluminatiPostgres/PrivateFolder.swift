import Foundation

/// A folder only its owner (and root) can enter, made or accepted without following links.
/// Used for everything the private cluster keeps outside the user's own state folder, where
/// other local users can create names first (/tmp, /var/tmp): a folder is accepted only if it
/// is a real folder owned by the expected user, so a planted link or a squatted folder is
/// refused instead of being used, chowned or chmodded.
struct PrivateFolder {
    struct Owner: Equatable {
        var uid: uid_t
        var gid: gid_t
        var name: String

        /// The user this process runs as.
        static var current: Owner {
            let name = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"
            return Owner(uid: getuid(), gid: getgid(), name: name)
        }

        /// A system user by name (the PostgreSQL server user when running as root).
        static func named(_ name: String) throws -> Owner {
            guard let entry = getpwnam(name) else {
                throw DatabaseError.clusterFailed("running as root needs the '\(name)' system user (from the postgresql package)")
            }
            return Owner(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, name: name)
        }
    }

    /// Creates `path` (whose parent exists) as a folder of `owner` with mode 0700, or checks an
    /// existing one: it must not be a link, must be a folder, and must belong to `owner`; group
    /// and other permission bits are then removed.
    static func ensure(_ path: String, owner: Owner) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw DatabaseError.clusterFailed("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        // O_NOFOLLOW: a link at `path` fails here instead of being followed.
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP || errno == ENOTDIR ? "it is a link or not a folder" : String(cString: strerror(errno))
            throw refused(path, reason)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw refused(path, String(cString: strerror(errno))) }
        if status.st_uid != owner.uid {
            // Only a folder we made a moment ago (owned by us, root) is handed to the server user.
            guard status.st_uid == getuid(), getuid() == 0, fchown(descriptor, owner.uid, owner.gid) == 0 else {
                let holder = getpwuid(status.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(status.st_uid)"
                throw refused(path, "it belongs to \(holder), not \(owner.name)")
            }
        }
        if status.st_mode & 0o7777 != 0o700 && fchmod(descriptor, 0o700) != 0 {
            throw DatabaseError.clusterFailed("cannot make \(path) private: \(String(cString: strerror(errno)))")
        }
    }

    /// Whether `path` is a symbolic link (not following it).
    static func isLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    /// Whether anything, a dangling link included, exists at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private static func refused(_ path: String, _ reason: String) -> DatabaseError {
        .clusterFailed("refusing \(path): \(reason); illuminati did not create it. Remove it, or choose another --state-dir")
    }
}
