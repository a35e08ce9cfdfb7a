/// What a function of the coursework throws until it is written: the grader reports the task by
/// name and gives its tests no points. (A stub that throws, never one that traps, so that an
/// unfinished copy is graded, not crashed.)
public struct NotImplemented: Error, CustomStringConvertible {
    /// The task's name, as in the handout, e.g. "relu-forward".
    public let task: String
    public init(_ task: String) { self.task = task }
    public var description: String { "not implemented yet: \(task)" }
}

/// A mistake in how a function was called (a shape that does not fit), thrown by the provided
/// helpers so that the grader can report it instead of stopping.
public struct ShapeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
