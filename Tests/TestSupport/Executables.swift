import Foundation

/// What an executable printed and how it ended, and, when asked for, the most memory it held.
public struct ExecutableRun: Sendable {
    public var status: Int32, output: String, errors: String
    /// The process's peak resident memory in bytes (GNU time's %M), with `measuringPeakMemory`.
    public var peakBytes: Int?
}

/// GNU time, which runs a command as its own child and reports that child's peak resident memory.
public let gnuTime = "/usr/bin/time"

/// Runs one of the package's executables (built beside the test bundle) with `arguments`, the
/// environment changed by `changes` (nil removes a variable), and waits for it.
///
/// With a `launcher` (e.g. `["/usr/bin/mpirun", "-np", "2", "@TOOL"]`), the launcher runs instead,
/// with every "@TOOL" in its arguments replaced by the executable's path, followed by `arguments`.
///
/// `measuringPeakMemory` runs the executable (or the launcher, whose peak it then is) under GNU
/// time, which writes the peak to a file of its own, so that standard error is the executable's alone. Not the test process's own
/// wait4: Linux's posix_spawn shares the test process's memory until the exec, and exec hands
/// that memory's peak on to the new program's (the test process's gigabyte would be reported for
/// every child), while GNU time's child is forked from GNU time, a process of a few megabytes.
public func runExecutable(_ name: String, _ arguments: [String], environment changes: [String: String?] = [:],
                          launcher: [String] = [], measuringPeakMemory: Bool = false) throws -> ExecutableRun {
    let directory = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        .deletingLastPathComponent()
    let tool = directory.appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: tool.path) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: tool.path])
    }
    var launcher = launcher
    let peakFile = measuringPeakMemory ? try temporaryDirectory() + "/peak" : nil
    if let peakFile {
        guard FileManager.default.isExecutableFile(atPath: gnuTime) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: gnuTime, NSLocalizedDescriptionKey: "GNU time (Debian's package 'time') is needed"])
        }
        launcher = [gnuTime, "--output", peakFile, "--format", "%M"] + (launcher.isEmpty ? ["@TOOL"] : launcher)
    }
    var environment = ProcessInfo.processInfo.environment
    for (variable, value) in changes { environment[variable] = value }
    let process = Process()
    if let program = launcher.first {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = launcher.dropFirst().map { $0 == "@TOOL" ? tool.path : $0 } + arguments
    } else {
        process.executableURL = tool
        process.arguments = arguments
    }
    process.environment = environment
    let (out, err) = (Pipe(), Pipe())
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Standard error is read on another thread, so that neither pipe can fill and stall the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errors = Box(), group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    group.wait()
    process.waitUntilExit()
    // GNU time's file: "Command exited with non-zero status N" when it did, then the peak in KiB.
    let peak = peakFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        .flatMap { $0.split(separator: "\n").last.flatMap { Int($0) } }.map { $0 * 1024 }
    return ExecutableRun(status: process.terminationStatus, output: output, errors: String(decoding: errors.data, as: UTF8.self),
                         peakBytes: peak)
}
