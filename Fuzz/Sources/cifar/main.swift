// libFuzzer on any bytes as a CIFAR-10 binary batch, through a file: an error is the expected answer to most inputs; a crash, a hang or
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
    let path = NSTemporaryDirectory() + "alexnet-fuzz-\(getpid())-data_batch.bin"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    _ = try? CIFAR10.batch(path)
    return 0
})
