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

/// Removes the temporary files that killed writes left in `directory` (`NAME.partial-PID`, up to
/// a shard's size each), except those of a process that is still running, which may be writing
/// one now. Returns the names removed. A command that writes atomically calls it as it starts.
@discardableResult
public func removeStalePartialFiles(in directory: String) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    var removed: [String] = []
    for name in names {
        guard let marker = name.range(of: ".partial-", options: .backwards),
              let pid = Int32(name[marker.upperBound...]), pid > 0 else { continue }
        let running = kill(pid, 0) == 0 || errno == EPERM      // EPERM: it exists, owned by another user
        guard !running else { continue }
        if (try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))) != nil {
            removed.append(name)
        }
    }
    return removed.sorted()
}
