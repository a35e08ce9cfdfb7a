// figure-gallery: one figure of every kind the library draws, on made-up data, written to
// Figures/gallery/ so that anyone can judge the look at a glance.
//
//     swift run figure-gallery [--out DIR]
import AlexNet
import Foundation

var outDirectory = "Figures/gallery"
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch flag {
    case "--out":
        guard let value = arguments.popFirst() else {
            FileHandle.standardError.write(Data("figure-gallery: --out needs a directory\n".utf8)); exit(2)
        }
        outDirectory = value
    case "--help", "-h":
        print("usage: figure-gallery [--out DIR]   (default Figures/gallery)"); exit(0)
    default:
        FileHandle.standardError.write(Data("figure-gallery: unknown option '\(flag)'\n".utf8)); exit(2)
    }
}

@MainActor func path(_ name: String) -> String { (outDirectory as NSString).appendingPathComponent(name) }

do {
    for (name, figure) in Gallery.figures() {
        try figure.writePNG(to: path(name + ".png"))
        print("wrote \(path(name + ".png"))")
    }
} catch {
    FileHandle.standardError.write(Data("figure-gallery: \(error)\n".utf8))
    exit(1)
}
