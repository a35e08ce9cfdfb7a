import AlexNet
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting

/// Figure 3 for our data: the first layer's kernels of a trained two-tower network, tower by
/// tower, with each tower's mean chromatic share (``KernelColour``) when the images have colour.
struct TowerKernels {
    var towers: [Tensor<Float>]
    /// Per tower, the mean chromatic share of its kernels, trained and at initialisation; nil on grey images.
    var chromatic: [Double]?, chromaticAtInitialisation: [Double]?

    init(trained: AlexNetModel<Float>, untrained: AlexNetModel<Float>) {
        towers = Self.towerBlocks(trained)
        func means(_ model: AlexNetModel<Float>) -> [Double]? {
            guard model.configuration.inputChannels == 3 else { return nil }
            return Self.towerBlocks(model).map { block in
                let shares = KernelColour.chromaticShare(block)
                return shares.reduce(0, +) / Double(shares.count)
            }
        }
        chromatic = means(trained)
        chromaticAtInitialisation = means(untrained)
    }

    /// conv1's kernels, tower by tower: the rows of its one weight each tower computes.
    static func towerBlocks(_ model: AlexNetModel<Float>) -> [Tensor<Float>] {
        let (conv1, T) = (model.conv1, model.configuration.towers)
        return (0..<T).map { conv1.weight.value.rows(conv1.tower($0, of: T).outputRows) }
    }

    func figure(dataset: String) -> Image {
        let blocks = towers.enumerated().map { t, kernels in
            (title: "tower \(t + 1) (the paper's GPU \(t + 1))" + (chromatic.map { String(format: ", chromatic share %.2f", $0[t]) } ?? ""),
             kernels: kernels)
        }
        let columns = max(8, towers[0].shape[0] / 2)
        return ImageGrid.kernels(blocks, columns: columns, scale: 8,
                                 title: "Figure 3, \(dataset): conv1's \(towers.count * towers[0].shape[0]) kernels by tower")
    }

    var rows: [[String]] {
        guard let chromatic, let initial = chromaticAtInitialisation else {
            return [["chromatic_share", "not defined: the images have one channel"]]
        }
        return chromatic.indices.flatMap { t in
            [["tower\(t + 1)_chromatic_share", String(chromatic[t])], ["tower\(t + 1)_chromatic_share_at_init", String(initial[t])]]
        }
    }
}
