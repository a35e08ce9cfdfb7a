import Foundation

/// Why a file could not be written into place.
public struct AtomicWriteError: Error, Equatable {
    public var problem: String
}

/// Writes `bytes` to `path` so that a crash at any moment leaves either the old file or the new
/// one, never a mixture: a temporary file in the same directory, flushed to disk, renamed over
/// `path`, then the directory flushed so that the rename itself is durable. Checkpoints and
/// exported weights are written this way.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
        throw AtomicWriteError(problem: "cannot create the directory \(directory) (\(error.localizedDescription))")
    }
    let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
          let handle = FileHandle(forWritingAtPath: temporary) else {
        throw AtomicWriteError(problem: "cannot create \(temporary)")
    }
    do {
        try handle.write(contentsOf: bytes)
        try handle.synchronize()              // fsync: the bytes are on disk before the rename
        try handle.close()
    } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        throw AtomicWriteError(problem: "cannot write \(temporary) (\(error))")
    }
    guard rename(temporary, path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(atPath: temporary)
        throw AtomicWriteError(problem: "cannot rename the new file into place (\(reason))")
    }
    let fd = open(directory, O_RDONLY)        // make the rename itself durable
    if fd >= 0 { fsync(fd); close(fd) }
}
