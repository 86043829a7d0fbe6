import Dispatch
import Foundation

/// Per-pixel mean and spread of log10 intensities over a channel's images (TissueMAPS corilla,
/// §3.1), kept as mergeable partial sums: any number of jobs can each add some images and the
/// partials combine into the statistics of all of them.
///
/// Each partial holds the image count n, the per-pixel mean of log10 values and M2, the
/// per-pixel sum of squared deviations from that mean, all in Float64. Images are added with
/// Welford's update and partials merged with Chan et al.'s pairwise formula
/// (δ = mean_b − mean_a; mean = mean_a + δ·n_b/n; M2 = M2_a + M2_b + δ²·n_a·n_b/n), which stays
/// accurate where the naive Σx, Σx² would cancel. Zero samples count as 1 (log10 = 0), as in
/// TissueMAPS.
public struct IlluminationStatistics: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Number of images added.
    public private(set) var count: Int
    /// Row-major per-pixel mean of log10 intensities.
    public private(set) var mean: [Double]
    /// Row-major per-pixel sum of squared deviations from `mean`.
    public private(set) var m2: [Double]

    /// Empty statistics (no images) for images of `width`×`height`.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        count = 0
        mean = [Double](repeating: 0, count: self.width * self.height)
        m2 = mean
    }

    /// Statistics from stored values; `mean` and `m2` must hold width·height values.
    public init(width: Int, height: Int, count: Int, mean: [Double], m2: [Double]) throws {
        guard width > 0, height > 0, count >= 0, mean.count == width * height, m2.count == width * height else {
            throw IlluminationStatisticsError(
                "statistics of \(height)×\(width) need \(width * height) values per array, got \(mean.count) and \(m2.count)")
        }
        self.width = width
        self.height = height
        self.count = count
        self.mean = mean
        self.m2 = m2
    }

    /// Per-pixel sample standard deviation √(M2 / (n − 1)); all zero with fewer than 2 images,
    /// where no spread can be measured (TissueMAPS returned NaN).
    public var standardDeviation: [Double] {
        guard count >= 2 else { return [Double](repeating: 0, count: m2.count) }
        let scale = 1 / Double(count - 1)
        return m2.map { ($0 * scale).squareRoot() }
    }

    /// Adds one image (Welford's update).
    public mutating func add(_ image: GrayImage) throws {
        guard image.width == width, image.height == height else {
            throw IlluminationStatisticsError(
                "image is \(image.height)×\(image.width) but the statistics are for \(height)×\(width) images")
        }
        image.pixels.withUnsafeBufferPointer { add(samples: $0) }
    }

    /// Adds one image given as width·height row-major samples.
    public mutating func add(samples: UnsafeBufferPointer<UInt16>) {
        precondition(samples.count == width * height, "sample count does not match the statistics size")
        count += 1
        let inverseCount = 1 / Double(count)
        Log10Table.values.withUnsafeBufferPointer { logs in
            mean.withUnsafeMutableBufferPointer { means in
                m2.withUnsafeMutableBufferPointer { sums in
                    Self.update(means: means.baseAddress!, sums: sums.baseAddress!, samples: samples.baseAddress!,
                                pixels: 0..<samples.count, inverseCount: inverseCount, logs: logs)
                }
            }
        }
    }

    /// Welford's update of `pixels` with one image's samples. The table lookups are made
    /// apart, chunk by chunk, so that the update itself vectorises.
    static func update(means: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>,
                       samples: UnsafePointer<UInt16>, pixels: Range<Int>, inverseCount: Double,
                       logs: UnsafeBufferPointer<Double>) {
        let chunk = 4096
        let x = UnsafeMutablePointer<Double>.allocate(capacity: chunk)
        defer { x.deallocate() }
        for first in stride(from: pixels.lowerBound, to: pixels.upperBound, by: chunk) {
            let n = min(chunk, pixels.upperBound - first)
            for j in 0..<n { x[j] = logs[Int(samples[first + j])] }
            let m = means + first, s = sums + first
            for j in 0..<n {
                let delta = x[j] - m[j]
                let updated = m[j] + delta * inverseCount
                m[j] = updated
                s[j] += delta * (x[j] - updated)
            }
        }
    }

    /// Adds several images, in order, with the pixels split into `bands` ranges updated in
    /// parallel; the result is identical to adding them one by one.
    public mutating func add(_ images: [GrayImage], bands: Int) throws {
        for image in images where image.width != width || image.height != height {
            throw IlluminationStatisticsError(
                "image is \(image.height)×\(image.width) but the statistics are for \(height)×\(width) images")
        }
        guard !images.isEmpty else { return }
        let pixelCount = width * height
        let bandCount = max(1, min(bands, pixelCount))
        let firstCount = count
        Log10Table.values.withUnsafeBufferPointer { logs in
            mean.withUnsafeMutableBufferPointer { means in
                m2.withUnsafeMutableBufferPointer { sums in
                    nonisolated(unsafe) let logs = logs, means = means, sums = sums
                    DispatchQueue.concurrentPerform(iterations: bandCount) { band in
                        let start = pixelCount * band / bandCount, end = pixelCount * (band + 1) / bandCount
                        for (k, image) in images.enumerated() {
                            image.pixels.withUnsafeBufferPointer { samples in
                                Self.update(means: means.baseAddress!, sums: sums.baseAddress!, samples: samples.baseAddress!,
                                            pixels: start..<end, inverseCount: 1 / Double(firstCount + k + 1), logs: logs)
                            }
                        }
                    }
                }
            }
        }
        count += images.count
    }

    /// Combines two partials as if every image of both had been added to one.
    public func merged(with other: IlluminationStatistics) throws -> IlluminationStatistics {
        var result = self
        try result.merge(other)
        return result
    }

    public mutating func merge(_ other: IlluminationStatistics) throws {
        guard other.width == width, other.height == height else {
            throw IlluminationStatisticsError(
                "cannot merge statistics of \(other.height)×\(other.width) images into \(height)×\(width)")
        }
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let na = Double(count), nb = Double(other.count)
        let n = na + nb
        let weight = nb / n
        let cross = na * nb / n
        mean.withUnsafeMutableBufferPointer { ma in
            m2.withUnsafeMutableBufferPointer { sa in
                other.mean.withUnsafeBufferPointer { mb in
                    other.m2.withUnsafeBufferPointer { sb in
                        for i in 0..<ma.count {
                            let delta = mb[i] - ma[i]
                            ma[i] += delta * weight
                            sa[i] += sb[i] + delta * delta * cross
                        }
                    }
                }
            }
        }
        count += other.count
    }
}

/// log10 of every 16-bit sample, with 0 counted as 1 (TissueMAPS corilla).
enum Log10Table {
    static let values: [Double] = (0...65535).map { $0 == 0 ? 0 : log10(Double($0)) }
}

/// Statistics that do not fit the images, or a file that does not hold statistics.
public struct IlluminationStatisticsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
