import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// `illuminati run EXP --job N [--assume-clean-state]` on a built experiment: without the
/// flag the job first removes what it wrote before (its shard, and what a killed attempt of
/// it left: a temporary next to the shard); with it, the storage is trusted.
@Suite(.serialized, .tags(.database, .process)) struct RunJobCommandTests {
    @Test func aJobRemovesItsEarlierOutputUnlessToldTheStorageIsClean() throws {
        let (database, db) = try TestDatabase.create()
        let run = BuildRun(database: database)
        defer { run.storage.remove() }
        try run.create("rerun", manifest: smallPlate.manifest)
        try run.initialize("rerun", ["--batch-size", "4"])
        let built = try run.submit("rerun", workers: 1)
        #expect(built.status == 0, "\(built.stderr)")

        // A pyramid job that wrote a shard (a finished job is in the history).
        let jobs = try db.execute("""
            SELECT DISTINCT ON (job_id) job_id AS id, payload::text AS payload FROM job_history
            WHERE kind = 'pyramid' ORDER BY job_id
            """, name: "jobs").rows
        var found: (id: Int64, shard: String)?
        for row in jobs {
            let payload = try #require(try JSONSerialization.jsonObject(with: Data(try row.string("payload").utf8)) as? [String: Any])
            let layer = try #require(payload["layer"] as? String)
            let block = try #require(payload["block"] as? [String: Any])
            let level = try #require(block["level"] as? Int)
            let row0 = try #require((block["rows"] as? [Int])?.first), column0 = try #require((block["columns"] as? [Int])?.first)
            let shard = "\(run.storage.path)/rerun/\(layer)_shards/\(level)-\(column0)_\(row0).zip"
            if FileManager.default.fileExists(atPath: shard) { found = (try row.int64("id"), shard); break }
        }
        let (job, shard) = try #require(found)
        let folder = (shard as NSString).deletingLastPathComponent
        let leftover = folder + "/." + (shard as NSString).lastPathComponent + ".999999.1.tmp"
        let neighbour = folder + "/.other-0_0.zip.999999.1.tmp"

        func plant() throws {
            try Data("stale shard".utf8).write(to: URL(fileURLWithPath: shard))
            for path in [leftover, neighbour] { try Data("left by a killed attempt".utf8).write(to: URL(fileURLWithPath: path)) }
        }
        func rerun(_ flags: [String]) throws {
            let outcome = try run.run(["run", "rerun", "--job", "\(job)", "--storage", run.storage.path] + flags)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.hasPrefix("job \(job) (pyramid, "), "\(outcome.stdout)")
            // The shard is the job's again: a ZIP, not what was planted.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: shard))
            #expect(bytes.prefix(2) == Data("PK".utf8))
        }

        try plant()
        try rerun(["--assume-clean-state"])
        #expect(FileManager.default.fileExists(atPath: leftover), "trusted clean: the leftover stays")

        try plant()
        try rerun([])
        #expect(!FileManager.default.fileExists(atPath: leftover), "the job's own leftover is removed")
        #expect(FileManager.default.fileExists(atPath: neighbour), "another job's leftover is not this job's to remove")
    }
}
