import CArchive
import Foundation

/// A file stored inside an uncompressed tar archive, found by where its bytes lie: `size` bytes
/// from `offset` of the archive file on disk. ILSVRC's training set comes as a tar of 1,000
/// per-class tars; a member of an inner tar is still a contiguous run of the outer file, so once
/// the archive has been listed any image is one `pread` away, read in any order by any thread,
/// with nothing extracted to disk.
public struct ArchiveMember: Sendable, Equatable, Codable {
    /// The archive file on disk (the outermost one).
    public var archive: String
    /// Where the member's bytes start in that file, and how many there are.
    public var offset: Int, size: Int
    /// Whether the archive ends before the member's last byte (a truncated download).
    public var truncated: Bool

    public init(archive: String, offset: Int, size: Int, truncated: Bool = false) {
        (self.archive, self.offset, self.size, self.truncated) = (archive, offset, size, truncated)
    }

    /// The member's bytes.
    public func read() throws -> [UInt8] {
        guard !truncated else { throw TarArchive.Failure(path: archive, problem: "the archive ends inside this file (of \(size) bytes at offset \(offset))") }
        let descriptor = open(archive, O_RDONLY)
        guard descriptor >= 0 else { throw TarArchive.Failure(path: archive, problem: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, size - done, off_t(offset + done)) }
            guard n > 0 else { throw TarArchive.Failure(path: archive, problem: n < 0 ? String(cString: strerror(errno)) : "ends after \(offset + done) bytes, inside a file") }
            done += n
        }
        return bytes
    }
}

/// Lists tar archives through libarchive: each entry's name, size and where its data lies.
///
/// The archive is read through callbacks over one range of a file, so that an inner tar is listed
/// where it lies inside the outer one, and skipping a member's data is a seek, not a read: listing
/// ILSVRC-2012's 1.28 million training files reads about a million headers of 512 bytes, not
/// 138 GB. libarchive parses the headers (ustar, GNU and pax long names); where a member's data
/// starts is the count of bytes libarchive has consumed once it has returned the member's header.
public enum TarArchive {
    public struct Entry: Sendable, Equatable {
        /// The name as stored ("n01440764/n01440764_10026.JPEG", "n01440764.tar").
        public var name: String
        /// Where its data starts in the file on disk, and its length.
        public var offset: Int, size: Int
        public var isFile: Bool
        /// The data runs past the end of the archive's range.
        public var truncated: Bool
    }

    /// An archive that cannot be listed or read, and why.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var path: String, problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// The entries of the tar archive held in `length` bytes from `base` of the file at `path`
    /// (the whole file when `length` is nil). A damaged or truncated archive gives the entries
    /// before the damage and libarchive's account of it; one whose first header is unreadable
    /// is not a tar archive, and throws.
    public static func list(path: String, base: Int = 0, length: Int? = nil) throws -> (entries: [Entry], problem: String?) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure(path: path, problem: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(path: path, problem: String(cString: strerror(errno))) }
        let fileSize = Int(status.st_size)
        let end = min(fileSize, base + (length ?? fileSize))
        let source = RangeSource(descriptor: descriptor, base: base, end: end)
        let context = Unmanaged.passRetained(source)
        defer { context.release() }

        guard let archive = archive_read_new() else { throw Failure(path: path, problem: "libarchive could not start") }
        defer { archive_read_free(archive) }
        archive_read_support_format_tar(archive)
        guard archive_read_open2(archive, context.toOpaque(), nil, RangeSource.read, RangeSource.skip, nil) == ARCHIVE_OK else {
            throw Failure(path: path, problem: "not a tar archive (\(message(archive)))")
        }
        var entries: [Entry] = []
        while true {
            var header: OpaquePointer?
            let result = archive_read_next_header(archive, &header)
            if result == ARCHIVE_EOF { return (entries, nil) }
            guard result == ARCHIVE_OK || result == ARCHIVE_WARN, let header else {
                if entries.isEmpty { throw Failure(path: path, problem: "not a tar archive (\(message(archive)))") }
                return (entries, "\(message(archive)) after \(entries.count) entries")
            }
            let name = archive_entry_pathname(header).map { String(cString: $0) } ?? ""
            let size = archive_entry_size_is_set(header) != 0 ? Int(archive_entry_size(header)) : 0
            let offset = base + Int(archive_filter_bytes(archive, 0))
            entries.append(Entry(name: name, offset: offset, size: max(0, size),
                                 isFile: archive_entry_filetype(header) == 0o100000,
                                 truncated: size < 0 || offset + size > end))
        }
    }

    /// The whole contents, by full name, of the files whose names end in one of `suffixes`, in an
    /// archive of any kind libarchive reads, compressed or not: the devkit's two small files out
    /// of its .tar.gz. Files larger than `maximumBytes` are refused.
    public static func contents(of path: String, namesEndingIn suffixes: [String], maximumBytes: Int = 64 << 20) throws -> [String: [UInt8]] {
        guard let archive = archive_read_new() else { throw Failure(path: path, problem: "libarchive could not start") }
        defer { archive_read_free(archive) }
        archive_read_support_format_all(archive)
        archive_read_support_filter_all(archive)
        guard archive_read_open_filename(archive, path, 1 << 16) == ARCHIVE_OK else { throw Failure(path: path, problem: message(archive)) }
        var found: [String: [UInt8]] = [:]
        while true {
            var header: OpaquePointer?
            let result = archive_read_next_header(archive, &header)
            if result == ARCHIVE_EOF { return found }
            guard result == ARCHIVE_OK || result == ARCHIVE_WARN, let header else {
                throw Failure(path: path, problem: "cannot be read as an archive (\(message(archive)))")
            }
            let name = archive_entry_pathname(header).map { String(cString: $0) } ?? ""
            guard suffixes.contains(where: { name.hasSuffix($0) }), archive_entry_filetype(header) == 0o100000 else { continue }
            let size = Int(archive_entry_size(header))
            guard size <= maximumBytes else { throw Failure(path: path, problem: "\(name) claims \(size) bytes, more than the \(maximumBytes) such a file can have") }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                guard n >= 0 else { throw Failure(path: path, problem: "\(name): \(message(archive))") }
                if n == 0 { break }
                bytes += chunk[0..<n]
                guard bytes.count <= maximumBytes else { throw Failure(path: path, problem: "\(name) holds more than \(maximumBytes) bytes") }
            }
            found[name] = bytes
        }
    }

    /// Writes `files` (name and bytes, in the order given) as a tar archive through libarchive, in
    /// GNU tar's format as ILSVRC's archives are, or gzip-compressed (the devkit's .tar.gz).
    /// Chapter 10 and the tests make archives in the distribution's layout with it.
    public static func write(_ files: [(name: String, bytes: [UInt8])], to path: String, gzip: Bool = false) throws {
        guard let archive = archive_write_new() else { throw Failure(path: path, problem: "libarchive could not start") }
        defer { archive_write_free(archive) }
        archive_write_set_format_gnutar(archive)
        if gzip { archive_write_add_filter_gzip(archive) }
        guard archive_write_open_filename(archive, path) == ARCHIVE_OK else { throw Failure(path: path, problem: message(archive)) }
        for (name, bytes) in files {
            guard let entry = archive_entry_new() else { throw Failure(path: path, problem: "libarchive could not start an entry") }
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, name)
            archive_entry_set_size(entry, Int64(bytes.count))
            archive_entry_set_filetype(entry, 0o100000)
            archive_entry_set_perm(entry, 0o644)
            guard archive_write_header(archive, entry) == ARCHIVE_OK,
                  bytes.isEmpty || bytes.withUnsafeBytes({ archive_write_data(archive, $0.baseAddress, $0.count) }) == bytes.count else {
                throw Failure(path: path, problem: "\(name): \(message(archive))")
            }
        }
        guard archive_write_close(archive) == ARCHIVE_OK else { throw Failure(path: path, problem: message(archive)) }
    }

    /// `files` as the bytes of a tar archive (``write(_:to:gzip:)`` through a scratch file): an
    /// inner tar to store in an outer one, as ILSVRC's per-class tars are.
    public static func encoded(_ files: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
        let scratch = NSTemporaryDirectory() + "alexnet-tar-\(getpid())-\(UUID().uuidString).tar"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try write(files, to: scratch)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch)))
    }

    static func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unreadable"
    }

    /// The bytes [base, end) of an open file, served to libarchive in blocks; skips are seeks.
    final class RangeSource {
        let descriptor: Int32, base: Int, end: Int
        var position: Int
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)

        init(descriptor: Int32, base: Int, end: Int) {
            (self.descriptor, self.base, self.end, self.position) = (descriptor, base, end, base)
        }
        deinit { buffer.deallocate() }

        static let read: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int = { _, data, out in
            let source = Unmanaged<RangeSource>.fromOpaque(data!).takeUnretainedValue()
            let count = min(1 << 16, source.end - source.position)
            guard count > 0 else { return 0 }
            let n = pread(source.descriptor, source.buffer, count, off_t(source.position))
            guard n >= 0 else { return -1 }
            source.position += n
            out?.pointee = UnsafeRawPointer(source.buffer)
            return n
        }

        static let skip: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int64) -> Int64 = { _, data, request in
            let source = Unmanaged<RangeSource>.fromOpaque(data!).takeUnretainedValue()
            let skipped = min(Int(request), source.end - source.position)
            source.position += skipped
            return Int64(skipped)
        }
    }
}
