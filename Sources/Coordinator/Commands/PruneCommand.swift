import ArgumentParser
import IlluminatiCommandLine
import IlluminatiQueue

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove finished jobs and their errors past the retention age.",
        discussion: """
            Removes the job history of builds that finished (succeeded or were cancelled) longer ago than the \
            age, and attempt errors older than it, except those of live jobs, of dead letters and of any build \
            that still has a dead letter. Live jobs and dead letters are never removed. Works in small batches, \
            so queue traffic goes on meanwhile. A build whose history was pruned cannot be resubmitted with \
            --all. Without --older-than, the age is the database setting illuminati.history_retention \
            (7 days unless set), which the reapers of the coordinator and the workers prune by too.
            """)

    @Option(name: .customLong("older-than"),
            help: ArgumentHelp("Age past which finished work goes: whole numbers with units s, m, h, d, w (7d, 12h, 1h30m).",
                               valueName: "age"))
    var olderThan: AgeArgument?

    @Flag(name: .customLong("dry-run"), help: "Print what would be removed, and remove nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withDatabase { session in
            let retention = Retention(session.connection)
            let age = try olderThan?.duration ?? retention.age()
            let ageText = AgeArgument.text(seconds: age.components.seconds)
            if dryRun {
                let rows = try retention.prunable(olderThan: age)
                print("would remove \(rows.history) history row(s) and \(rows.errors) error row(s) older than \(ageText) "
                      + "(dry run: nothing removed)")
            } else {
                let rows = try retention.prune(olderThan: age)
                print("removed \(rows.history) history row(s) and \(rows.errors) error row(s) older than \(ageText)")
            }
        }
    }
}
