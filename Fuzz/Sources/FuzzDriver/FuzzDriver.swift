import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                       _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// Runs libFuzzer with the command line's options on `test`, which gets each input's bytes: an
/// error is the expected answer to most inputs; a crash, a hang or a huge allocation is a bug.
public func fuzz(_ test: @escaping @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runDriver(&argc, &argv, test))
}

/// The input's bytes.
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
}

/// The input written to a file of this process (for readers that take a path).
public func file(_ data: UnsafePointer<UInt8>?, _ size: Int, named name: String) -> String {
    let path = NSTemporaryDirectory() + "alexnet-fuzz-\(getpid())-" + name
    FileManager.default.createFile(atPath: path, contents: Data(bytes(data, size)))
    return path
}
