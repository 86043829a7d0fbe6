import ArgumentParser
import Foundation
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiImaging

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Plan a pyramid build: geometry, intensity windows and jobs per stage.",
        discussion: """
            Re-running init replaces a build that has not started. Intensity windows are decided here, \
            once per layer: with --clip from the --clip-percent percentile of the layer's images, with \
            --clip-value from that value; otherwise the full range of the bit depth.
            """)

    @OptionGroup var experimentArgument: ExperimentArgument
    @Option(name: [.short, .long], help: "Site images per statistics job; about as many tiles per pyramid job.")
    var batchSize: Int = 100
    @Flag(name: [.short, .long], help: "Align the cycles of each site (shift and residue crop).") var align = false
    @Flag(name: [.short, .long], help: "Correct illumination with per-channel statistics computed by the build.")
    var illumcorr = false
    @Flag(name: [.short, .long], help: "Clip each layer at a percentile of its intensities.") var clip = false
    @Option(name: .long, help: "Clip at this raw value instead of a percentile.") var clipValue: Int?
    @Option(name: .long, help: "Percentile for --clip.") var clipPercent: Double = 99.9
    @Option(name: .long, help: "JPEG quality, 1–100.") var quality: Int = 95
    @Option(name: .long, help: ArgumentHelp("Only these layers (comma-separated).", valueName: "names"))
    var layers: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...100).contains(clipPercent), clipPercent > 0 else { throw ValidationError("--clip-percent must be in (0, 100]") }
        if let clipValue, !(1...65535).contains(clipValue) { throw ValidationError("--clip-value must be 1…65535") }
    }

    func run() throws {
        var options = BuildOptions()
        options.batchSize = batchSize
        options.align = align
        options.illumcorr = illumcorr
        options.quality = quality
        options.layers = layers.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let clipValue {
            options.clip = ClipRequest(upper: .value(clipValue))
        } else if clip {
            options.clip = ClipRequest(upper: .percentile(clipPercent))
        }
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let outcome = try PlanBuild.showingProgress(logger: global.logger)
                .run(experimentName: experiment, options: options, connection: session.connection)
            if let replaced = outcome.replaced { print("replaced build \(replaced), which had not started") }
            print("build \(outcome.build) of \(experiment): planned, \(outcome.plan.jobCount) jobs")
            for layer in outcome.plan.layers {
                let counts = layer.stages.map { "\($0.count)" }.joined(separator: " → ")
                let window = outcome.descriptor.layer(layer.name).map { "  window \($0.spec.window)" } ?? ""
                print("  \(layer.name): \(counts)\(window)")
            }
            print("run it with: illuminati submit \(experiment) [--workers N]")
        }
    }
}
