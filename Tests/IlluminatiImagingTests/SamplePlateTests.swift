import Foundation
import Testing
import IlluminatiImaging
@testable import IlluminatiSample

@Suite("Synthetic plate: files and manifest")
struct SamplePlateFileTests {
    @Test("same seed gives byte-identical files; another seed does not")
    func determinism() throws {
        let spec = smallSpec { $0.channels = 2; $0.cycles = 2; $0.zplanes = 2 }
        let a = try GeneratedPlate(spec), b = try GeneratedPlate(spec)
        #expect(try fileBytes(a.result.manifestPath) == fileBytes(b.result.manifestPath))
        for row in a.rows {
            let path = row["path"]!
            #expect(try fileBytes(a.dir.file(path)) == fileBytes(b.dir.file(path)), "\(path)")
        }
        var reseeded = spec
        reseeded.seed = 2
        let c = try GeneratedPlate(reseeded)
        let differing = try a.rows.filter { try fileBytes(a.dir.file($0["path"]!)) != fileBytes(c.dir.file($0["path"]!)) }
        #expect(differing.count == a.rows.count)
    }

    @Test("one manifest row per image, in plate/well/site/channel/cycle/tpoint/zplane order")
    func manifest() throws {
        let spec = smallSpec {
            $0.plates = 2; $0.wells = .count(3); $0.siteRows = 2; $0.siteColumns = 1
            $0.channels = 3; $0.cycles = 2; $0.tpoints = 2; $0.zplanes = 1; $0.height = 32; $0.width = 32
        }
        let plate = try GeneratedPlate(spec)
        #expect(plate.header == ["path", "plate", "well", "site_y", "site_x", "channel", "cycle", "tpoint",
                                 "zplane", "shift_y", "shift_x"])
        #expect(plate.rows.count == 2 * 3 * 2 * 3 * 2 * 2)
        #expect(plate.result.imageCount == plate.rows.count)
        #expect(plate.result.channelNames == ["DAPI", "GFP", "Cy3"])
        #expect(plate.result.manifestPath == plate.dir.file("manifest.csv"))
        #expect(Set(plate.rows.map { $0["plate"]! }) == ["plate01", "plate02"])
        #expect(Set(plate.rows.map { $0["well"]! }) == ["A01", "A02", "A03"])
        #expect(Set(plate.rows.map { $0["channel"]! }) == ["DAPI", "GFP", "Cy3"])
        #expect(Set(plate.rows.map { $0["path"]! }).count == plate.rows.count)
        let channelIndex = ["DAPI": 0, "GFP": 1, "Cy3": 2]
        let keys = plate.rows.map { r in
            [r["plate"]!, r["well"]!].joined() + "|" + [Int(r["site_y"]!)!, Int(r["site_x"]!)!, channelIndex[r["channel"]!]!,
                                                       Int(r["cycle"]!)!, Int(r["tpoint"]!)!, Int(r["zplane"]!)!]
                .map { String(format: "%03d", $0) }.joined()
        }
        #expect(keys == keys.sorted())
        for row in plate.rows {
            #expect(FileManager.default.fileExists(atPath: plate.dir.file(row["path"]!)))
            #expect(row["path"]!.hasSuffix(".tif"))
            let shift = (Int(row["shift_y"]!)!, Int(row["shift_x"]!)!)
            if row["cycle"] == "0" {
                #expect(shift == (0, 0))
            } else {
                #expect(shift != (0, 0))
                #expect(abs(shift.0) <= 10 && abs(shift.1) <= 10)
            }
        }
    }

    @Test("12-bit plates stay within 4095 and say so, in TIFF and PNG", arguments: [ImageFileFormat.tiff, .png])
    func twelveBit(format: ImageFileFormat) throws {
        let plate = try GeneratedPlate(smallSpec { $0.bitDepth = 12; $0.format = format })
        var brightest: UInt16 = 0
        for row in plate.rows {
            #expect(row["path"]!.hasSuffix(format == .png ? ".png" : ".tif"))
            let info = try ImageFiles.probe(plate.dir.file(row["path"]!))
            #expect(info.bitDepth == 12 && info.bitsPerSample == 16)
            let image = try plate.image(row)
            #expect(image.pixels.allSatisfy { $0 <= 4095 })
            brightest = max(brightest, image.pixels.max()!)
        }
        #expect(brightest > 4095 / 8)  // the signal uses a good part of the range
    }

    @Test("progress reports every image")
    func progress() throws {
        let dir = TemporaryDirectory()
        let calls = Counter()
        let result = try SamplePlate.generate(smallSpec(), into: dir.path) { done, total in calls.record(done, total) }
        #expect(calls.values.count == result.imageCount)
        #expect(calls.values.map(\.0).sorted() == Array(1...result.imageCount))
        #expect(calls.values.allSatisfy { $0.1 == result.imageCount })
    }

    @Test("stage positions: jitter within 5 % of the site spacing, rows shuffled within each well")
    func positions() throws {
        let spec = smallSpec { $0.positions = true; $0.wells = .count(2); $0.siteRows = 3; $0.siteColumns = 3 }
        let plate = try GeneratedPlate(spec)
        #expect(plate.header == ["path", "plate", "well", "stage_y", "stage_x", "channel", "cycle", "tpoint",
                                 "zplane", "shift_y", "shift_x"])
        #expect(plate.rows.count == 2 * 9 * 2)
        let spacing = 64 * 0.65
        for well in ["A01", "A02"] {
            let rows = plate.rows.filter { $0["well"] == well }
            // Contiguous, but not in file-name order.
            let first = plate.rows.firstIndex { $0["well"] == well }!
            #expect(plate.rows[first..<(first + rows.count)].allSatisfy { $0["well"] == well })
            let paths = rows.map { $0["path"]! }
            #expect(paths != paths.sorted())
            // Deviation from an ideal grid: all within ±5 % of the spacing of a common origin.
            var deviations: [(Double, Double)] = []
            for row in rows {
                let site = Int(row["path"]!.split(separator: "_")[2].dropFirst())!
                deviations.append((Double(row["stage_y"]!)! - Double(site / 3) * spacing,
                                   Double(row["stage_x"]!)! - Double(site % 3) * spacing))
            }
            for axis in [deviations.map(\.0), deviations.map(\.1)] {
                let spread = axis.max()! - axis.min()!
                #expect(spread <= 0.1 * spacing + 0.011)
                #expect(spread > 0)  // there is jitter
            }
        }
        let grid = try GeneratedPlate(smallSpec { $0.wells = .count(2); $0.siteRows = 3; $0.siteColumns = 3 })
        #expect(Set(grid.rows.map { $0["path"]! }) == Set(plate.rows.map { $0["path"]! }))
    }
}

@Suite("Synthetic plate: wells and spec validation")
struct SampleSpecTests {
    @Test("well blocks", arguments: [
        (1, ["A01"]), (4, ["A01", "A02", "B01", "B02"]), (6, ["A01", "A02", "A03", "B01", "B02", "B03"]),
        (5, ["A01", "A02", "A03", "B01", "B02"]),
    ])
    func wellBlocks(count: Int, names: [String]) throws {
        #expect(try WellPosition.resolve(.count(count)).map(\.name) == names)
    }

    @Test func wholePlate() throws {
        let wells = try WellPosition.resolve(.count(384))
        #expect(wells.count == 384)
        #expect(wells.last?.name == "P24")
        #expect(throws: SamplePlateError.self) { try WellPosition.resolve(.count(385)) }
    }

    @Test func namedWells() throws {
        #expect(try WellPosition.resolve(.names(["C05", "B12", "P24"])).map(\.name) == ["B12", "C05", "P24"])
        for bad in [["A01", "A01"], ["Q01"], ["A25"], ["A1"], ["a01"], [], ["A00"]] {
            #expect(throws: SamplePlateError.self, "\(bad)") { try WellPosition.resolve(.names(bad)) }
        }
    }

    @Test func channelNames() {
        #expect((0..<10).map(SampleChannels.name) ==
                ["DAPI", "GFP", "Cy3", "Cy5", "mCherry", "BFP", "YFP", "CFP", "ch08", "ch09"])
    }

    @Test("nonsense specs are rejected with a reason")
    func validation() throws {
        try SamplePlateSpec().validate()
        let broken: [(inout SamplePlateSpec) -> Void] = [
            { $0.siteRows = 0 }, { $0.siteColumns = 0 }, { $0.height = 8 }, { $0.width = 15 }, { $0.bitDepth = 14 },
            { $0.channels = 21 }, { $0.channels = 0 }, { $0.plates = 0 }, { $0.cycles = 0 }, { $0.tpoints = 0 },
            { $0.zplanes = 0 }, { $0.wells = .count(0) }, { $0.wells = .names(["A01", "A01"]) },
        ]
        for (i, change) in broken.enumerated() {
            var spec = SamplePlateSpec()
            change(&spec)
            #expect(throws: SamplePlateError.self, "case \(i)") { try spec.validate() }
            #expect(throws: SamplePlateError.self, "case \(i)") {
                _ = try SamplePlate.generate(spec, into: TemporaryDirectory().path)
            }
        }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [(Int, Int)] = []
    func record(_ done: Int, _ total: Int) { lock.withLock { calls.append((done, total)) } }
    var values: [(Int, Int)] { lock.withLock { calls } }
}
