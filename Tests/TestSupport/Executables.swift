import Foundation

/// What an executable printed and how it ended.
public struct ExecutableRun: Sendable {
    public var status: Int32, output: String, errors: String
}

/// Runs one of the package's executables (built beside the test bundle) with `arguments`, the
/// environment changed by `changes` (nil removes a variable), and waits for it.
public func runExecutable(_ name: String, _ arguments: [String], environment changes: [String: String?] = [:]) throws -> ExecutableRun {
    let directory = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        .deletingLastPathComponent()
    let tool = directory.appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: tool.path) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: tool.path])
    }
    var environment = ProcessInfo.processInfo.environment
    for (variable, value) in changes { environment[variable] = value }
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
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
