/// Which network to build, in a form a checkpoint can store (as JSON) and rebuild from.
public enum ModelSpecification: Sendable, Equatable, Codable {
    case alexNet(AlexNetConfiguration)
    case fourLayer(FourLayerNetConfiguration)

    /// A new network with freshly initialised weights. `maximumParameters`: a description read from
    /// a file whose weights will fill the network passes the number of values the file holds, and a
    /// network that would need more is refused before anything is allocated (and any setting out of
    /// range, before a layer could trap on it).
    public func build<Scalar: TensorScalar>(_: Scalar.Type = Float.self, maximumParameters: Int? = nil) throws -> any Network<Scalar> {
        if let maximumParameters {
            let count = switch self {
            case .alexNet(let c): try c.parameterCount()
            case .fourLayer(let c): try c.parameterCount()
            }
            guard count <= maximumParameters else {
                throw ConfigurationError.moreParametersThanTheFile(parameters: count, file: maximumParameters)
            }
        }
        switch self {
        case .alexNet(let c): return try AlexNetModel<Scalar>(c)
        case .fourLayer(let c): return try FourLayerNet<Scalar>(c)
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
