// figure-gallery: one figure of every kind the library draws, on made-up data, written to
// Figures/gallery/ so that anyone can judge the look at a glance.
//
//     swift run figure-gallery [--out DIR]
import Foundation
import ToolSupport
import Plotting

runTool("figure-gallery") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "figure-gallery",
                      summary: "Write one figure of every kind the library draws, on made-up data.")
    let directory = a.string("--out", default: "Figures/gallery", help: "where the PNG files go")
    try a.finish()
    for (name, figure) in Gallery.figures() {
        let path = (directory as NSString).appendingPathComponent(name + ".png")
        try figure.writePNG(to: path)
        print("wrote \(path)")
    }
}
