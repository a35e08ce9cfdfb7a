import Foundation
import AlexNet

/// A picture of a network's shapes, left to right: one box per row of the model's description,
/// its height proportional to the feature map's side (or, for fully connected layers, to the
/// logarithm of their width) and its width growing with the logarithm of the channel count, with
/// the layer's name above and its shape below. Colours tell the kind of layer.
public enum LayerDiagram {
    public static func render(_ rows: [LayerDescription], title: String) -> Image {
        let column = 132, top = 70, maxBox = 230
        let width = 40 + rows.count * column, height = top + maxBox + 100
        var canvas = Canvas(width: width, height: height)
        canvas.text(title, x: width / 2, y: 16, scale: 2, alignment: .center)
        let largestSide = rows.compactMap { $0.outputShape.count == 3 ? $0.outputShape[1] : nil }.max() ?? 1
        let centre = Double(top + maxBox / 2)
        for (i, row) in rows.enumerated() {
            let x = Double(20 + i * column + column / 2)
            let shape = row.outputShape
            let boxHeight: Double, boxWidth: Double
            if shape.count == 3 {
                boxHeight = max(6, Double(maxBox) * Double(shape[1]) / Double(largestSide))
                boxWidth = 8 + 5 * log2(Double(max(1, shape[0])))
            } else {
                boxHeight = max(6, Double(maxBox) / 2 * log2(Double(max(2, shape[0]))) / log2(4096))
                boxWidth = 10
            }
            let name = row.name.split(separator: " ").first.map(String.init) ?? row.name
            let color: Color = name.hasPrefix("conv") ? Color.palette[0] : name.hasPrefix("fc") ? Color.palette[1]
                : name == "LRN" ? Color.palette[3] : name == "max-pool" ? Color.palette[2] : .gray
            canvas.fill(left: x - boxWidth / 2, top: centre - boxHeight / 2, right: x + boxWidth / 2,
                        bottom: centre + boxHeight / 2, color: color)
            canvas.text(name == "max-pool" ? "pool" : name, x: Int(x), y: top - 22, scale: 2, alignment: .center)
            let label = shape.map(String.init).joined(separator: "×")
            canvas.text(label, x: Int(x), y: top + maxBox + 12, scale: 2, alignment: .center)
            if row.parameters > 0 {
                let p = row.parameters >= 1_000_000 ? String(format: "%.1fM", Double(row.parameters) / 1e6)
                    : String(format: "%.0fk", Double(row.parameters) / 1e3)
                canvas.text(p, x: Int(x), y: top + maxBox + 36, scale: 2, color: .gray, alignment: .center)
            }
        }
        canvas.text("box height: side of the map (fully connected: log of the width); box width: log of the channels; grey: parameters",
                    x: width / 2, y: height - 26, scale: 2, color: .gray, alignment: .center)
        return canvas.image
    }
}
