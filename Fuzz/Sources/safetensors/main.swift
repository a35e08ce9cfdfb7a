// libFuzzer on any bytes as a safetensors file. Built and run by Scripts/fuzz.sh.
import AlexNetTraining
import FuzzDriver

fuzz { data, size in
    _ = try? Safetensors(decoding: bytes(data, size), path: "fuzz")
    return 0
}
