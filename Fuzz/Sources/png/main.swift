// libFuzzer on any bytes as a PNG file, through a file (the reader takes a path): an error is the expected answer to most inputs; a crash, a hang or
// a huge allocation is a bug. Built and run by Scripts/fuzz.sh.
import Plotting
import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv) { data, size in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let path = NSTemporaryDirectory() + "alexnet-fuzz-\(getpid()).png"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    _ = try? Image.readPNG(from: path)
    _ = try? Image.readPNG(from: path, channels: 1)
    return 0
})
