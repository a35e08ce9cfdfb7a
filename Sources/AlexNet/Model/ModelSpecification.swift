/// Which network to build, in a form a checkpoint can store (as JSON) and rebuild from.
public enum ModelSpecification: Sendable, Equatable, Codable {
    case alexNet(AlexNetConfiguration)
    case fourLayer(FourLayerNetConfiguration)

    /// A new network with freshly initialised weights.
    public func build<Scalar: TensorScalar>(_: Scalar.Type = Float.self) throws -> any Network<Scalar> {
        switch self {
        case .alexNet(let c): try AlexNetModel<Scalar>(c)
        case .fourLayer(let c): try FourLayerNet<Scalar>(c)
        }
    }

    /// (channels, height, width) of the images the network takes.
    public var inputShape: [Int] {
        switch self {
        case .alexNet(let c): [c.inputChannels, c.inputSize, c.inputSize]
        case .fourLayer(let c): [c.inputChannels, c.inputSize, c.inputSize]
        }
    }

    public var classes: Int {
        switch self {
        case .alexNet(let c): c.classes
        case .fourLayer(let c): c.classes
        }
    }
}
