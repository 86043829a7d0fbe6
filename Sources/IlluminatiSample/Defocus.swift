import Foundation

/// Out-of-focus blur: a separable Gaussian whose width grows with the distance from focus.
enum Defocus {
    /// Blur sigma in pixels for a plane `distance` planes away from the focal plane.
    static func sigma(distance: Float) -> Float { 1.1 * distance }

    /// Border the signal must be rendered with so the blur sees real neighbours, not zeros.
    static func padding(sigma: Float) -> Int {
        sigma < 0.25 ? 0 : Int((3 * sigma).rounded(.up))
    }

    /// Blurs a (height + 2·pad) × (width + 2·pad) signal and returns the central height × width.
    static func blur(_ padded: [Float], height: Int, width: Int, pad: Int, sigma: Float) -> [Float] {
        let kernel = gaussianKernel(radius: pad, sigma: sigma)
        let paddedWidth = width + 2 * pad, paddedHeight = height + 2 * pad
        // Horizontal pass over every padded row; vertical pass over the central rows only.
        var horizontal = [Float](repeating: 0, count: paddedHeight * width)
        padded.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { dst in
                for r in 0..<paddedHeight {
                    let inRow = r * paddedWidth, outRow = r * width
                    for c in 0..<width {
                        var sum: Float = 0
                        for k in 0..<kernel.count { sum += kernel[k] * src[inRow + c + k] }
                        dst[outRow + c] = sum
                    }
                }
            }
        }
        var output = [Float](repeating: 0, count: height * width)
        horizontal.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for k in 0..<kernel.count {
                    let weight = kernel[k]
                    for r in 0..<height {
                        let inRow = (r + k) * width, outRow = r * width
                        for c in 0..<width { dst[outRow + c] += weight * src[inRow + c] }
                    }
                }
            }
        }
        return output
    }

    private static func gaussianKernel(radius: Int, sigma: Float) -> [Float] {
        let weights = (-radius...radius).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }
}
