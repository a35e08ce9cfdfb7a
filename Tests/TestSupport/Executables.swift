import Foundation

/// What an executable printed and how it ended.
public struct ExecutableRun: Sendable {
    public var status: Int32, output: String, errors: String
}

/// Runs one of the package's executables (built beside the test bundle) with `arguments`, the
/// environment changed by `changes` (nil removes a variable), and waits for it.
///
/// With a `launcher` (e.g. `["/usr/bin/mpirun", "-np", "2", "@TOOL"]`), the launcher runs instead,
/// with every "@TOOL" in its arguments replaced by the executable's path, followed by `arguments`.
public func runExecutable(_ name: String, _ arguments: [String], environment changes: [String: String?] = [:],
                          launcher: [String] = []) throws -> ExecutableRun {
    let directory = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        .deletingLastPathComponent()
    let tool = directory.appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: tool.path) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: tool.path])
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
    return ExecutableRun(status: process.terminationStatus, output: output, errors: String(decoding: errors.data, as: UTF8.self))
}
