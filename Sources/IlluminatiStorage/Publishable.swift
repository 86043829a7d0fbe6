/// Something written under a temporary name that one step makes visible (`publish`) or
/// removes (`discard`): a pending file, an export.
protocol Publishable: AnyObject {
    func publish() throws
    func discard()
}

extension Publishable {
    /// Runs `finish` (the last writes), then publishes; if `finish` throws, what was written
    /// goes and the final name keeps what it had.
    func publish(after finish: () throws -> Void) throws {
        do {
            try finish()
        } catch {
            discard()
            throw error
        }
        try publish()
    }
}

extension PendingFile: Publishable {}
extension ExportTarget: Publishable {}
