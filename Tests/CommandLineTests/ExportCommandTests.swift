import Foundation
import IlluminatiTestSupport
import Testing

/// `illuminati export` of a build that `submit` ran, and `illuminati pyramid --format szi`:
/// what cannot be exported is refused with exit status 2 and a message that names it, before
/// anything is written; the `.szi` of a build and of `pyramid` are the same bytes.
@Suite(.serialized, .tags(.database, .process)) struct ExportCommandTests {
    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func exportRefusesWhatItCannotExportWithStatus2AndWritesTheRest() throws {
        let plate = try buildPlate(seed: 17)
        let (database, _) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        let out = TemporaryDirectory.make(prefix: "illuminati-export-out")
        try run.create("exp", manifest: plate.manifest)
        try run.initialize("exp", ["--batch-size", "4"])
        func export(_ arguments: [String], storage: String? = nil) throws -> Executables.Outcome {
            try run.run(["export", "exp", "--storage", storage ?? run.storage.path] + arguments)
        }
        func refused(_ arguments: [String], storage: String? = nil, saying words: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
            let outcome = try export(arguments, storage: storage)
            #expect(outcome.status == 2, "\(arguments): \(outcome.status) \(outcome.stderr)", sourceLocation: sourceLocation)
            for word in words {
                #expect(outcome.stderr.contains(word), "\(arguments): \(outcome.stderr)", sourceLocation: sourceLocation)
            }
            #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack"), sourceLocation: sourceLocation)
        }

        try refused(["--format", "dzi", "--output", out.file("planned")], saying: ["build of experiment exp is not finished", "planned"])
        let unknown = try run.run(["export", "nope", "--format", "dzi", "--output", out.file("nope")])
        #expect(unknown.status == 2 && unknown.stderr.contains("no experiment named nope"), "\(unknown.stderr)")

        #expect(try run.submit("exp", workers: 1).status == 0)
        try refused(["--format", "dzi", "--layers", "DAPI_c0,NOPE", "--output", out.file("layer")], saying: ["NOPE", "DAPI_c0, DAPI_c1"])
        try refused(["--format", "tiff", "--output", out.file("tiff")], saying: ["unknown format tiff"])
        try refused(["--output", out.file("noformat")], saying: ["--format"])
        try refused(["--format", "dzi"], saying: ["--output"])
        try refused(["--format", "szi", "--output", out.file("two.szi")], saying: ["a .szi holds one layer", "DAPI_c0, DAPI_c1"])
        let empty = TemporaryDirectory.make(prefix: "illuminati-empty-storage")
        try refused(["--format", "dzi", "--output", out.file("elsewhere")], storage: empty.path,
                    saying: ["layer DAPI_c0 of experiment exp has no finished pyramid", empty.path])
        try refused(["--format", "dzi", "--output", run.storage.path, "--force"], saying: [run.storage.path, "must not replace"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty, "nothing written for a refused export")

        let folder = try export(["--format", "dzi", "--output", out.file("all")])
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(folder.stdout.contains("layers=4"), "\(folder.stdout)")
        for layer in ["DAPI_c0", "DAPI_c1", "GFP_c0", "GFP_c1"] {
            #expect(exists(out.file("all/\(layer).dzi")) && exists(out.file("all/\(layer)_files/0/0_0.jpg")))
        }
        try refused(["--format", "dzi", "--output", out.file("all")], saying: [out.file("all"), "exists", "--force"])
        let szi = out.file("DAPI_c1.szi")
        #expect(try export(["--format", "szi", "--layers", "DAPI_c1", "--output", szi]).status == 0)
        let replaced = try export(["--format", "szi", "--layers", "DAPI_c1", "--output", out.file("all"), "--force"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out.file("all"))) == Data(contentsOf: URL(fileURLWithPath: szi)),
                "--force replaced the folder with the file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["DAPI_c1.szi", "all"])

        // `pyramid` with the options `init` had writes the folder `submit` wrote, and the same .szi.
        let local = TemporaryDirectory.make(prefix: "illuminati-pyramid-szi")
        let pyramid = try Executables.run("illuminati", ["pyramid", "--manifest", plate.manifest, "--output", local.path,
                                                        "--threads", "2", "--batch-size", "4", "--format", "szi"])
        #expect(pyramid.status == 0, "\(pyramid.stderr)")
        #expect(pyramid.stdout.contains("layer DAPI_c1: window") && pyramid.stdout.contains("DAPI_c1.dzi, DAPI_c1.szi"), "\(pyramid.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: local.file("DAPI_c1.szi"))) == Data(contentsOf: URL(fileURLWithPath: szi)))
        for layer in ["DAPI_c0", "DAPI_c1", "GFP_c0", "GFP_c1"] {
            #expect(exists(local.file("\(layer).szi")) && exists(local.file("\(layer)_shards")), "the shards stay, as serve reads them")
        }
        let rebuilt = try Executables.run("illuminati", ["pyramid", "--manifest", plate.manifest, "--output", local.path,
                                                        "--threads", "2", "--layers", "DAPI_c1"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(!exists(local.file("DAPI_c1.szi")) && exists(local.file("GFP_c1.szi")), "a rebuilt layer's old .szi goes with its other files")

        #expect(try run.run(["cleanup", "exp", "--storage", run.storage.path]).status == 0)
        try refused(["--format", "dzi", "--output", out.file("cleaned")], saying: ["has no finished pyramid"])
    }
}
