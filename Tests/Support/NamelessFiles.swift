import Foundation

public enum NamelessFiles {
    /// Whether `folder`'s filesystem makes nameless files (`O_TMPFILE`: ext4, xfs, btrfs and
    /// tmpfs do; NFS does not), which the storage then uses for files being written.
    public static func supported(in folder: String) -> Bool {
        let descriptor = open(folder, 0o20000000 | O_DIRECTORY | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }
}
