import ArgumentParser
import IlluminatiQueue

struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "List the workers: host, pid, alive, running jobs, cores, memory and the job kinds each can run.",
        discussion: "A worker is alive while it was heard from within its lease; one silent for ten leases is forgotten.")

    @Flag(help: "One JSON document (docs/cli.md) instead of text.") var json = false
    @OptionGroup var global: GlobalOptions

    struct Document: Encodable { var workers: [WorkerStatus] }

    func run() throws {
        try global.withDatabase { session in
            let workers = try QueueListing(session.connection).workers()
            if json { return try JSONOutput.print(Document(workers: workers)) }
            print("\(workers.count) worker(s), \(workers.filter(\.alive).count) alive")
            for worker in workers {
                print("  \(worker.hostname) pid \(worker.pid)  \(worker.alive ? "alive" : "silent")  \(worker.state)  "
                      + "\(worker.runningJobs)/\(worker.concurrency) running  \(worker.cores) cores, \(worker.memoryMB) MB  kinds: \(worker.kinds.joined(separator: ", "))  "
                      + "id \(worker.id)")
            }
        }
    }
}
