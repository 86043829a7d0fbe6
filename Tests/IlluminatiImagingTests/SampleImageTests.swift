import Foundation
import Testing
import IlluminatiImaging
import IlluminatiSample

/// The synthetic images must behave like microscope images, because the pipeline's
/// registration, stitching and display-range code is tested on them.
@Suite("Synthetic plate: image content")
struct SampleImageTests {
    @Test("nuclei are sparse bright blobs on a dark, noisy background")
    func nucleiStatistics() throws {
        let plate = try GeneratedPlate(smallSpec { $0.height = 128; $0.width = 128; $0.channels = 1 })
        for row in plate.rows {
            let image = try plate.image(row)
            let median = image.median
            let bright = image.pixels.filter { Double($0) > median + 0.1 * 65535 }.count
            let fraction = Double(bright) / Double(image.pixels.count)
            #expect(fraction > 0.02 && fraction < 0.4, "fraction \(fraction)")
            #expect(median > 100 && median < 0.05 * 65535, "median \(median)")
            let peak = Double(image.pixels.max()!)
            #expect(peak > 0.12 * 65535 && peak < 65535, "peak \(peak)")
            // Noise: neighbouring background pixels differ.
            #expect(Set(image.pixels.prefix(64)).count > 8)
        }
    }

    @Test("illumination falls off towards the corners in every channel")
    func vignetting() throws {
        let plate = try GeneratedPlate(smallSpec { $0.height = 96; $0.width = 96; $0.channels = 4; $0.siteRows = 3; $0.siteColumns = 3 })
        for channel in plate.result.channelNames {
            var corner = 0.0, centre = 0.0
            for row in plate.rows where row["channel"] == channel {
                let image = try plate.image(row)
                let b = 16
                // A low percentile sees the background between cells, which only the illumination shapes.
                func blockMedian(_ y: Int, _ x: Int) -> Double {
                    let values = image.region(rows: y..<(y + b), columns: x..<(x + b)).sorted()
                    return values[values.count / 10]
                }
                corner += [blockMedian(0, 0), blockMedian(0, 96 - b), blockMedian(96 - b, 0), blockMedian(96 - b, 96 - b)]
                    .reduce(0, +) / 4
                centre += blockMedian(48 - b / 2, 48 - b / 2)
            }
            #expect(corner < 0.9 * centre, "\(channel): corner \(corner / 9), centre \(centre / 9)")
        }
    }

    @Test("shifting a later cycle back by its manifest shift restores cycle 0")
    func cycleShift() throws {
        let plate = try GeneratedPlate(smallSpec { $0.height = 96; $0.width = 128; $0.cycles = 3; $0.channels = 1 })
        for row in plate.rows where row["cycle"] != "0" {
            let moved = try plate.image(row)
            let reference = try plate.image(matching: ["site_y": row["site_y"]!, "site_x": row["site_x"]!, "cycle": "0"])
            let sy = Int(row["shift_y"]!)!, sx = Int(row["shift_x"]!)!
            var restored: [Double] = [], original: [Double] = [], unaligned: [Double] = []
            for y in 10..<86 {
                for x in 10..<118 {
                    restored.append(Double(moved[y - sy, x - sx]))
                    original.append(Double(reference[y, x]))
                    unaligned.append(Double(moved[y, x]))
                }
            }
            let aligned = correlation(restored, original)
            #expect(aligned > 0.9, "aligned correlation \(aligned)")
            // Not aligning must be clearly worse, even for a one-pixel shift.
            let alignedError = meanAbsoluteDifference(restored, original)
            let unalignedError = meanAbsoluteDifference(unaligned, original)
            #expect(alignedError < 0.6 * unalignedError, "error \(alignedError) aligned, \(unalignedError) not")
        }
    }

    @Test("adjacent sites continue each other's cells across the seam")
    func seamless() throws {
        let size = 96
        let plate = try GeneratedPlate(smallSpec {
            $0.height = size; $0.width = size; $0.channels = 2; $0.siteRows = 3; $0.siteColumns = 3
        })
        for channel in plate.result.channelNames {
            var sites: [[GrayImage]] = []
            for y in 0..<3 {
                sites.append(try (0..<3).map { x in
                    try plate.image(matching: ["site_y": String(y), "site_x": String(x), "channel": channel])
                })
            }
            // Pairs of neighbouring pixel lines, gathered over all twelve seams: across a seam,
            // inside an image next to it (the reference), and across a seam but far apart.
            var seam: ([Double], [Double]) = ([], []), inside: ([Double], [Double]) = ([], [])
            var far: ([Double], [Double]) = ([], [])
            let all = 0..<size, last = size - 1
            func collect(_ before: [Double], _ edge: [Double], _ next: [Double], _ middle: [Double]) {
                seam.0 += edge; seam.1 += next
                inside.0 += before; inside.1 += edge
                far.0 += edge; far.1 += middle
            }
            for a in 0..<3 {
                for b in 0..<2 {
                    let left = sites[a][b], right = sites[a][b + 1]  // seam between columns
                    collect(left.region(rows: all, columns: (last - 1)..<last), left.region(rows: all, columns: last..<size),
                            right.region(rows: all, columns: 0..<1), right.region(rows: all, columns: (size / 2)..<(size / 2 + 1)))
                    let top = sites[b][a], bottom = sites[b + 1][a]  // seam between rows
                    collect(top.region(rows: (last - 1)..<last, columns: all), top.region(rows: last..<size, columns: all),
                            bottom.region(rows: 0..<1, columns: all), bottom.region(rows: (size / 2)..<(size / 2 + 1), columns: all))
                }
            }
            let across = correlation(seam.0, seam.1), within = correlation(inside.0, inside.1)
            let unrelated = correlation(far.0, far.1)
            // A seam must look like any other pair of neighbouring lines, not like unrelated ones.
            #expect(across > 0.7 && across > within - 0.1, "\(channel): across \(across), within \(within)")
            #expect(unrelated < across - 0.3, "\(channel): far \(unrelated), across \(across)")
        }
    }

    @Test("planes away from focus are blurred")
    func defocus() throws {
        let plate = try GeneratedPlate(smallSpec { $0.height = 96; $0.width = 96; $0.channels = 1; $0.zplanes = 3 })
        func sharpness(_ image: GrayImage) -> Double {
            // Energy of differences at a 2-pixel lag: structure edges, less dominated by pixel noise.
            var sum = 0.0
            for y in 0..<96 { for x in 0..<94 { let d = Double(image[y, x]) - Double(image[y, x + 2]); sum += d * d } }
            return sum
        }
        for site in ["0", "1"] {
            let z = try (0..<3).map { try plate.image(matching: ["site_y": site, "site_x": "0", "zplane": String($0)]) }
            let s = z.map(sharpness)
            #expect(s[0] < 0.7 * s[1] && s[2] < 0.7 * s[1], "\(s)")
        }
    }

    @Test("cells move a little between time points")
    func motion() throws {
        let plate = try GeneratedPlate(smallSpec { $0.height = 96; $0.width = 96; $0.channels = 1; $0.tpoints = 2 })
        let t0 = try plate.image(matching: ["site_y": "0", "site_x": "0", "tpoint": "0"])
        let t1 = try plate.image(matching: ["site_y": "0", "site_x": "0", "tpoint": "1"])
        let r = correlation(t0.region(rows: 0..<96, columns: 0..<96), t1.region(rows: 0..<96, columns: 0..<96))
        // Identical scenes would correlate at ~0.999 (noise only); moved cells clearly less.
        #expect(r > 0.5 && r < 0.98, "\(r)")
    }
}

private func meanAbsoluteDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(a.count)
}
