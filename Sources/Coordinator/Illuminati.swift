import ArgumentParser

struct Illuminati: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "illuminati",
        abstract: "Builds zoomable image pyramids of high-content screening plates.",
        discussion: """
            With no database configured (no --database-url, DATABASE_URL or PG* variables), a private \
            PostgreSQL cluster is created under the state folder (--state-dir, default .illuminati) and \
            stopped again when the last command using it ends.
            """,
        version: IlluminatiVersion.current,
        subcommands: [
            DemoCommand.self, SampleCommand.self, ExperimentCommand.self, InitCommand.self, SubmitCommand.self,
            StatusCommand.self, ResubmitCommand.self, PauseCommand.self, ResumeCommand.self, CancelCommand.self,
            RetryCommand.self, JobsCommand.self, WorkersCommand.self, RunCommand.self, InfoCommand.self, LogCommand.self,
            CollectCommand.self, CleanupCommand.self, MigrateCommand.self,
            PyramidCommand.self, ExportCommand.self, ServeCommand.self,
            PruneCommand.self, MetricsCommand.self,
        ])
}

enum IlluminatiVersion {
    static let current = "0.1.0"
}
