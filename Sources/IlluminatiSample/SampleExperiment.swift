import IlluminatiCore
import IlluminatiImaging

extension SamplePlate {
    /// The experiment a generated plate's manifest describes, registered the way
    /// `illuminati experiment create` does (every image probed), without a database.
    public static func experiment(named name: String, manifestPath: String, directory: String) throws -> Experiment {
        let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        let (entries, problems) = Manifest.entries(text: text, format: .csv, directory: directory)
        guard problems.isEmpty else { throw SamplePlateError("\(problems)") }
        var files: [String: ImageFileStatus] = [:]
        for entry in entries {
            let info = try ImageFiles.probe(entry.path)
            files[entry.path] = .image(width: info.width, height: info.height, bitDepth: info.bitDepth)
        }
        let built = ExperimentBuilder.build(name: name, manifestPath: manifestPath, entries: entries, files: files)
        guard let experiment = built.experiment else { throw SamplePlateError("\(built.problems)") }
        return experiment
    }
}
