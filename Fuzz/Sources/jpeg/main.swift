// libFuzzer on any bytes as a JPEG file. Built and run by Scripts/fuzz.sh.
import AlexNetData
import FuzzDriver

fuzz { data, size in
    _ = try? JPEG.decode(bytes(data, size), path: "fuzz")
    return 0
}
