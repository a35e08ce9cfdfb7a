import Foundation

/// What an executable printed, how it ended, and the most memory it held.
public struct ExecutableRun: Sendable {
    /// The exit status; 128 + the signal's number when a signal ended it (as a shell says).
    public var status: Int32
    public var output: String, errors: String
    /// The peak resident memory of the process (getrusage's ru_maxrss, from wait4), in bytes.
    public var peakBytes: Int
}

/// Runs one of the package's executables (built beside the test bundle) with `arguments`, the
/// environment changed by `changes` (nil removes a variable), and waits for it. Its standard input
/// is /dev/null; its output and errors go to files, read once it has ended (no pipe can fill and
/// stall it). It is started with posix_spawn and reaped with wait4, whose resource usage gives
/// the peak memory of that one process.
///
/// With a `launcher` (e.g. `["/usr/bin/mpirun", "-np", "2", "@TOOL"]`), the launcher runs instead,
/// with every "@TOOL" in its arguments replaced by the executable's path, followed by `arguments`
/// (the peak is then the launcher's own).
public func runExecutable(_ name: String, _ arguments: [String], environment changes: [String: String?] = [:],
                          launcher: [String] = []) throws -> ExecutableRun {
    let directory = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        .deletingLastPathComponent()
    let tool = directory.appendingPathComponent(name).path
    guard FileManager.default.isExecutableFile(atPath: tool) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: tool])
    }
    var environment = ProcessInfo.processInfo.environment
    for (variable, value) in changes { environment[variable] = value }
    let command = launcher.isEmpty ? [tool] + arguments : launcher.map { $0 == "@TOOL" ? tool : $0 } + arguments

    let capture = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: capture) }
    let (outputPath, errorsPath) = (capture + "/output", capture + "/errors")
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errorsPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

    let argv = command.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    var status: Int32 = 0, usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
    }
    // wait(2)'s status: the low seven bits are the signal that ended the process (0 if it exited),
    // the next byte its exit code.
    let signal = status & 0x7F
    func read(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
    return ExecutableRun(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
                         output: read(outputPath), errors: read(errorsPath), peakBytes: usage.ru_maxrss * 1024)
}
