// libFuzzer on any bytes as a tar archive, read as ImageNet's downloads are: listed through
// libarchive, each member's bytes read where the listing says they lie, each member named .tar
// listed in turn as an inner tar, and the archive searched for the devkit's files as a .tar.gz
// would be. Seed: a tar of two class tars of small files. Built and run by Scripts/fuzz.sh.
import AlexNetData
import FuzzDriver

fuzz { data, size in
    let path = file(data, size, named: "archive.tar")
    guard let (entries, _) = try? TarArchive.list(path: path) else { return 0 }
    for entry in entries.prefix(64) where entry.isFile {
        _ = try? ArchiveMember(archive: path, offset: entry.offset, size: min(entry.size, 1 << 20), truncated: entry.truncated).read()
        if entry.name.hasSuffix(".tar") { _ = try? TarArchive.list(path: path, base: entry.offset, length: entry.size) }
    }
    _ = try? TarArchive.contents(of: path, namesEndingIn: ["meta.mat", "_validation_ground_truth.txt"], maximumBytes: 1 << 20)
    return 0
}
