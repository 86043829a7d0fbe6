import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue

/// The whole database schema: every owner's migrations, for the processes that migrate a
/// database (`illuminati`, the tests, the queue benchmark). The versions are one sequence across
/// the owners: a new migration takes the next free number, whichever target it belongs to, and
/// a new owner's list is added here (MigrationTests compares this with the files).
public enum Schema {
    public static let migrations: [Migration] = DatabaseSchema.migrations + QueueSchema.migrations
}
