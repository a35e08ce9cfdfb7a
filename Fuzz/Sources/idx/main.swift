// libFuzzer on any bytes as an IDX file (Fashion-MNIST's format; gzip'd when it starts as gzip does), through a file: an error is the expected answer to most inputs; a crash, a hang or
// a huge allocation is a bug. Built and run by Scripts/fuzz.sh.
import AlexNetData
import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv) { data, size in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let gzip = bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    let path = NSTemporaryDirectory() + "alexnet-fuzz-\(getpid())-images-idx3-ubyte" + (gzip ? ".gz" : "")
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    _ = try? IDX.read(path, dimensions: 3, kind: "images")
    _ = try? IDX.read(path, dimensions: 1, kind: "labels")
    return 0
})
