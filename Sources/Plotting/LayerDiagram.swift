import Foundation

/// Figure 2 of the paper as a picture: the network left to right, one column per layer, each
/// tower its own box (the two GPUs one above the other), and lines for what each box reads —
/// straight across within a tower, crossing where a layer reads both towers (conv3 and the fully
/// connected layers of the paper).
///
/// One scale for every box: a box is a square whose area is proportional to the number of
/// neurons it holds (channels × height × width of one tower's output), so a 4096-wide fully
/// connected layer and a 96×55×55 map are compared honestly. The layer's name is above, one
/// tower's output shape and the layer's parameters below.
public enum LayerDiagram {
    /// One layer of the picture.
    public struct Column: Sendable, Equatable {
        public var name: String
        /// One tower's output: (C, H, W) or (features).
        public var shape: [Int]
        /// 1 or 2 boxes.
        public var towers: Int
        /// Whether each box reads every box of the column before (otherwise only its own tower).
        public var readsAllTowers: Bool
        /// The layer's learned parameters (all towers), 0 for none.
        public var parameters: Int

        public init(name: String, shape: [Int], towers: Int, readsAllTowers: Bool, parameters: Int = 0) {
            precondition(towers >= 1, "LayerDiagram.Column: \(towers) towers")
            self.name = name
            self.shape = shape
            self.towers = towers
            self.readsAllTowers = readsAllTowers
            self.parameters = parameters
        }

        var neurons: Int { shape.reduce(1, *) }
    }

    public static func render(_ columns: [Column], title: String) -> Image {
        let spacing = 128, lane = 150, top = 70
        let largest = Double(columns.map(\.neurons).max() ?? 1)
        let side = { (c: Column) in max(5, 100 * (Double(c.neurons) / largest).squareRoot()) }
        let width = 40 + columns.count * spacing, height = top + 2 * lane + 96
        var canvas = Canvas(width: width, height: height)
        canvas.text(title, x: width / 2, y: 16, scale: 2, alignment: .center)
        /// The centre of box `t` of a column with `towers` boxes.
        func centre(_ i: Int, _ t: Int, _ towers: Int) -> (x: Double, y: Double) {
            let x = Double(20 + i * spacing + spacing / 2)
            return towers == 1 ? (x, Double(top + lane)) : (x, Double(top + lane / 2 + t * lane))
        }
        // The links first, so that the boxes cover their ends.
        for (i, column) in columns.enumerated().dropFirst() {
            let previous = columns[i - 1]
            for t in 0..<column.towers {
                for s in 0..<previous.towers where column.readsAllTowers || previous.towers == 1 || column.towers == 1 || s == t {
                    let a = centre(i - 1, s, previous.towers), b = centre(i, t, column.towers)
                    let crossing = s != t && previous.towers == column.towers
                    canvas.stroke([a, b], width: crossing ? 2 : 1.5, color: crossing ? Color.palette[3] : .gray)
                }
            }
        }
        for (i, column) in columns.enumerated() {
            let color: Color = column.name.hasPrefix("conv") ? Color.palette[0] : column.name.hasPrefix("fc") ? Color.palette[1]
                : column.name == "LRN" ? Color.palette[3] : column.name == "pool" ? Color.palette[2] : .gray
            let s = side(column)
            for t in 0..<column.towers {
                let c = centre(i, t, column.towers)
                canvas.fill(left: c.x - s / 2, top: c.y - s / 2, right: c.x + s / 2, bottom: c.y + s / 2, color: color)
            }
            let x = Int(centre(i, 0, 1).x)
            canvas.text(column.name, x: x, y: top - 22, scale: 2, alignment: .center)
            canvas.text(column.shape.map(String.init).joined(separator: "×"), x: x, y: top + 2 * lane + 12, scale: 2, alignment: .center)
            if column.parameters > 0 {
                let p = column.parameters >= 1_000_000 ? String(format: "%.1fM", Double(column.parameters) / 1e6)
                    : String(format: "%.0fk", Double(column.parameters) / 1e3)
                canvas.text(p, x: x, y: top + 2 * lane + 36, scale: 2, color: .gray, alignment: .center)
            }
        }
        canvas.text("box area: neurons of one tower (the shape below); crossing lines: layers that read both towers; grey: parameters",
                    x: width / 2, y: height - 26, scale: 2, color: .gray, alignment: .center)
        return canvas.image
    }
}
