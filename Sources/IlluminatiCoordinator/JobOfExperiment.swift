import IlluminatiBuild
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue

/// A job by id, checked to belong to a build of the named experiment.
public enum JobOfExperiment {
    public static func find(_ id: Int, experiment: String, connection: DatabaseConnection) throws -> (StoredExperiment, JobRecord) {
        let stored = try ExperimentStore(connection).load(experiment)
        guard let job = try QueueInspector(connection).job(Int64(id)) else {
            throw InputError("no job \(id) (job ids are in `illuminati status \(experiment)`)")
        }
        let builds = try BuildStore(connection).builds(experiment: stored.id).map(\.id)
        guard builds.contains(job.stage.build) else {
            throw InputError("job \(id) belongs to another experiment's build")
        }
        return (stored, job)
    }
}
