import Foundation

/// A thread-safe cache of decoded images (or of any values whose size is known: workers keep
/// render contexts and build descriptors in one too), bounded by bytes, evicting the least
/// recently used.
///
/// Tiles of a job (and jobs running side by side) need the same site images; a value is
/// loaded once even when several threads ask for it at the same moment: the first loads,
/// the others wait for its result. A failed load is not cached; the error goes to the thread
/// that loaded, and waiting threads try again themselves.
public final class ImageCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    public let capacityBytes: Int
    private let condition = NSCondition()
    private var entries: [Key: Entry] = [:]
    private var loading: Set<Key> = []
    private var clock: UInt64 = 0
    private var usedBytes = 0
    private var counters = ImageCacheCounters()

    private struct Entry {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }

    public init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    /// The cached value for `key`, or the result of `load`, which is then cached with `cost(value)` bytes.
    public func value(for key: Key, cost: (Value) -> Int, load: () throws -> Value) throws -> Value {
        condition.lock()
        while true {
            if var entry = entries[key] {
                clock += 1
                entry.lastUse = clock
                entries[key] = entry
                counters.hits += 1
                condition.unlock()
                return entry.value
            }
            if !loading.contains(key) { break }
            condition.wait()
        }
        loading.insert(key)
        counters.loads += 1
        condition.unlock()

        let result = Result { try load() }

        condition.lock()
        loading.remove(key)
        if case .success(let value) = result {
            let bytes = max(0, cost(value))
            clock += 1
            entries[key] = Entry(value: value, cost: bytes, lastUse: clock)
            usedBytes += bytes
            evict(keeping: key)
        }
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// Drops least recently used entries until the total fits; the newest entry stays even
    /// when it alone is larger than the capacity (its caller is about to use it).
    private func evict(keeping newest: Key) {
        while usedBytes > capacityBytes, entries.count > 1 {
            guard let victim = entries.filter({ $0.key != newest }).min(by: { $0.value.lastUse < $1.value.lastUse }) else { return }
            usedBytes -= victim.value.cost
            entries[victim.key] = nil
            counters.evictions += 1
        }
    }

    /// Forgets one entry, e.g. an image no other job will need.
    public func remove(_ key: Key) {
        condition.lock()
        if let entry = entries.removeValue(forKey: key) { usedBytes -= entry.cost }
        condition.unlock()
    }

    /// Removes everything.
    public func removeAll() {
        condition.lock()
        entries.removeAll()
        usedBytes = 0
        condition.unlock()
    }

    public var counts: ImageCacheCounters {
        condition.lock()
        defer { condition.unlock() }
        var snapshot = counters
        snapshot.bytes = usedBytes
        snapshot.entries = entries.count
        return snapshot
    }
}

/// What a cache has done so far.
public struct ImageCacheCounters: Sendable, Equatable {
    public var hits = 0
    /// Calls of `load`, i.e. decodes.
    public var loads = 0
    public var evictions = 0
    public var bytes = 0
    public var entries = 0
}
