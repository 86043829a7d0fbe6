import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for pyramid rendering.
public enum AllocatorTuning {
    /// Every job allocates a few buffers of several MB (decoded site, canvas, halved levels).
    /// glibc serves such sizes with fresh `mmap`s and unmaps them on free, so each job paid
    /// for hundreds of thousands of page faults on zero-filled pages. Serving them from the
    /// heap and not trimming it keeps the pages of earlier jobs mapped for the next ones;
    /// memory stays bounded by the largest working set, which is small and flat.
    public static func keepLargeBuffersMapped() {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not export.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 64 << 20)
        _ = mallopt(trimThreshold, 512 << 20)
        #endif
    }

    /// Returns freed heap memory to the system, e.g. after the illumination statistics, whose
    /// large arrays are not needed while rendering.
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}

/// Resident memory of this process, for logs (Linux /proc; nil elsewhere).
public enum ProcessMemory {
    /// (current, peak) resident set in MiB.
    public static func resident() -> (current: Int, peak: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 / 1024 }
        }
        guard let current = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (current, peak)
    }
}
