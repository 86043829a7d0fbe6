import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiServer

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Export the queue's state to Prometheus at /metrics, without the viewer.",
        discussion: """
            Each scrape reads the queue from the database in one statement: jobs by build, layer and state, dead \
            letters, claimable jobs and the oldest one's age, live workers, and each build's state, remaining jobs, \
            throughput, ETA and time since its last progress. `illuminati serve` exports the same at its /metrics. \
            When the database cannot be read, a scrape answers illuminati_queue_up 0. Runs until interrupted.
            """)

    @Option(help: ArgumentHelp("Address to listen on (0.0.0.0: every interface).", valueName: "address"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "port"))
    var port: Int = 9465

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
    }

    func run() throws {
        try global.withDatabase { session in
            var configuration = ServerConfiguration(host: host, port: port, storageRoot: "", conninfo: session.conninfo)
            configuration.metricsOnly = true
            try ServeViewer(configuration: configuration, logger: global.logger).run(announcing: "metrics", path: "/metrics")
        }
    }
}
