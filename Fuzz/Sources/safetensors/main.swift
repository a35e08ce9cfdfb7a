// libFuzzer on any bytes as a safetensors file, and what `alexnet predict --weights` builds from
// one (the specification, mean image, scale and class names in its metadata). Built and run by
// Scripts/fuzz.sh.
import AlexNetTraining
import FuzzDriver

fuzz { data, size in
    if let file = try? Safetensors(decoding: bytes(data, size), path: "fuzz") {
        _ = try? file.exportedNetwork(path: "fuzz")
    }
    return 0
}
