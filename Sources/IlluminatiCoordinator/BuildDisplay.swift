/// What `DriveBuild` shows while it watches a build: a line when it takes the build up, then
/// the progress block (one line per layer), redrawn as it changes.
public protocol BuildDisplay: AnyObject {
    /// A line of its own (the build started, or the state it was found in).
    func announce(_ line: String)
    /// The current progress; may repeat the last lines unchanged.
    func show(_ lines: [String])
    /// The build is over (or stuck): the next `show` starts a new block.
    func finish()
}
