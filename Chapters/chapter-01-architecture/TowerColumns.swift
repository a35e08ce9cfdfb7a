import AlexNet
import Plotting

/// The columns of Figure 2's picture, read off the model's layer list: each convolution with
/// its towers (reading both towers where it has one group, as conv3 does), normalisation and
/// pooling within their tower, and the fully connected layers, which read everything; fc6 and
/// fc7 drawn as the paper's two halves, fc8 as one.
func towerColumns(_ model: AlexNetModel<Float>) -> [LayerDiagram.Column] {
    let towers = model.configuration.towers
    var shape = [1] + model.inputShape
    var columns = [LayerDiagram.Column(name: "input", shape: model.inputShape, towers: 1, readsAllTowers: false)]
    for (name, layer) in model.stages {
        shape = layer.outputShape(for: shape)
        let parameters = layer.parameters.reduce(0) { $0 + $1.value.count }
        let (label, split, readsAll): (String, Int, Bool)
        switch layer {
        case let convolution as Convolution<Float>: (label, split, readsAll) = (name, towers, convolution.groups == 1)
        case is FullyConnected<Float>: (label, split, readsAll) = (name, name == "fc8" ? 1 : towers, true)
        case is LocalResponseNormalization<Float>: (label, split, readsAll) = ("LRN", columns.last!.towers, false)
        case is MaxPooling<Float>: (label, split, readsAll) = ("pool", columns.last!.towers, false)
        default: continue                                       // activations and dropout keep the shape
        }
        var perTower = Array(shape.dropFirst())
        perTower[0] /= split
        columns.append(LayerDiagram.Column(name: label, shape: perTower, towers: split, readsAllTowers: readsAll, parameters: parameters))
    }
    return columns
}
