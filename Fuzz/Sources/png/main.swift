// libFuzzer on any bytes as a PNG file. Built and run by Scripts/fuzz.sh.
import Plotting
import FuzzDriver

fuzz { data, size in
    let path = file(data, size, named: "image.png")
    _ = try? Image.readPNG(from: path)
    _ = try? Image.readPNG(from: path, channels: 1)
    return 0
}
