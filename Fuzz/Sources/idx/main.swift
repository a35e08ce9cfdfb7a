// libFuzzer on any bytes as an IDX file (gzip'd when it starts as gzip does). Built and run by Scripts/fuzz.sh.
import AlexNetData
import FuzzDriver

fuzz { data, size in
    let gzip = size >= 2 && data![0] == 0x1F && data![1] == 0x8B
    let path = file(data, size, named: "images-idx3-ubyte" + (gzip ? ".gz" : ""))
    _ = try? IDX.read(path, dimensions: 3, kind: "images")
    _ = try? IDX.read(path, dimensions: 1, kind: "labels")
    return 0
}
