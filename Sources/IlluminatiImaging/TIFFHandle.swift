import CTIFF
import Foundation

/// An open libtiff file whose error messages are captured, and warnings sent to the log
/// (`ImagingLog`), instead of printed.
///
/// Handlers are installed per handle (libtiff ≥ 4.5 `TIFFOpenOptions`), so messages from
/// files read on other threads at the same time never mix.
final class TIFFHandle {
    let pointer: OpaquePointer
    private let log: TIFFMessageLog
    private var isClosed = false

    private init(pointer: OpaquePointer, log: TIFFMessageLog) {
        self.pointer = pointer
        self.log = log
    }

    /// Opens `path` with a libtiff mode string ("r", "w", "w8" …).
    static func open(_ path: String, mode: String) throws -> TIFFHandle {
        _ = silenceGlobalTIFFHandlers
        let log = TIFFMessageLog(path: path)
        guard let options = TIFFOpenOptionsAlloc() else { throw ImageFailure("out of memory") }
        defer { TIFFOpenOptionsFree(options) }
        // The log outlives the handle: TIFFHandle keeps it, and closes the handle in deinit.
        let context = Unmanaged.passUnretained(log).toOpaque()
        TIFFOpenOptionsSetErrorHandlerExtR(options, captureError, context)
        TIFFOpenOptionsSetWarningHandlerExtR(options, captureWarning, context)
        guard let tif = TIFFOpenExt(path, mode, options) else {
            throw ImageFailure(log.openFailure())
        }
        return TIFFHandle(pointer: tif, log: log)
    }

    /// `what` went wrong, followed by what libtiff said about it, if anything.
    func failure(_ what: String) -> ImageFailure {
        ImageFailure(log.errors.isEmpty ? what : "\(what): \(log.summary(fallback: ""))")
    }

    var hasErrors: Bool { !log.errors.isEmpty }

    /// Flushes and closes; afterwards `hasErrors` covers what the flush reported.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        TIFFClose(pointer)
        for warning in log.warnings.prefix(8) {
            ImagingLog.logger.debug("libtiff warning: \(warning)", metadata: ["file": "\(log.path)"])
        }
    }

    deinit { close() }
}

/// Error and warning messages for one handle. Only libtiff calls on that handle append, and a
/// handle is used by one thread at a time, so no lock is needed.
private final class TIFFMessageLog {
    let path: String
    var errors: [String] = []
    var warnings: [String] = []

    init(path: String) { self.path = path }

    func summary(fallback: String) -> String {
        guard !errors.isEmpty else { return fallback }
        // The first messages name the cause; later ones repeat it from outer functions.
        // The error already carries the path, so libtiff's copy of it is noise.
        let messages = errors.prefix(3).map { $0.replacingOccurrences(of: path + ": ", with: "") }
        return "libtiff: " + messages.joined(separator: "; ")
    }

    /// Why TIFFOpen failed, in words: a cut file loses its directory, which libtiff
    /// reports only as an unreadable directory offset.
    func openFailure() -> String {
        let details = summary(fallback: "libtiff could not open the file")
        if errors.contains(where: { $0.contains("directory") }) {
            return "truncated or damaged TIFF: its image directory cannot be read (\(details))"
        }
        return details
    }
}

/// The per-handle handlers cover almost everything, but libtiff reports a few problems
/// (before a handle exists, from codecs) through the process-wide handlers, which print to
/// stderr by default.
private let silenceGlobalTIFFHandlers: Void = {
    TIFFSetErrorHandler(nil)
    TIFFSetWarningHandler(nil)
}()

private let captureError: TIFFErrorHandlerExtR = { _, context, module, format, arguments in
    guard let context else { return 0 }
    let log = Unmanaged<TIFFMessageLog>.fromOpaque(context).takeUnretainedValue()
    log.errors.append(formatTIFFMessage(module, format, arguments))
    return 1  // handled: do not call the global handler
}

/// Warnings (unknown tags, odd but readable layouts) never decide success; they go to the log
/// when the handle closes, never to stderr.
private let captureWarning: TIFFErrorHandlerExtR = { _, context, module, format, arguments in
    guard let context else { return 1 }
    let log = Unmanaged<TIFFMessageLog>.fromOpaque(context).takeUnretainedValue()
    if log.warnings.count < 64 {
        log.warnings.append(formatTIFFMessage(module, format, arguments).replacingOccurrences(of: log.path + ": ", with: ""))
    }
    return 1
}

private func formatTIFFMessage(_ module: UnsafePointer<CChar>?, _ format: UnsafePointer<CChar>?,
                               _ arguments: CVaListPointer?) -> String {
    guard let format, let arguments else { return "unknown error" }
    var text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer -> String in
        _ = vsnprintf(buffer.baseAddress, buffer.count, format, arguments)
        return String(cString: buffer.baseAddress!)
    }
    if let module {
        let name = String(cString: module)
        // libtiff passes the file name as "module" for some messages; keep only function names.
        if !name.isEmpty && !name.contains("/") { text = "\(name): \(text)" }
    }
    return text
}
