import AlexNet

extension Checkpoint {
    /// A version 1 checkpoint's parameters and momentum in version 2's layout.
    ///
    /// Version 1 kept each convolution split over the paper's towers as one tensor per tower,
    /// named `conv2.tower1.weight`, `conv2.tower1.bias`, `conv2.tower2.weight`, …; version 2 keeps
    /// the layer's one weight and bias (`conv2.weight`, `conv2.bias`). The tower blocks, joined
    /// along their first axis in tower order, are exactly that weight (tower t's kernels are its
    /// rows t·M/T ..< (t+1)·M/T), so the migration is a concatenation, name by name in the order
    /// each joined name first appears; each velocity is joined as its parameter is. Tensors
    /// without a tower in their name pass unchanged.
    static func migratedFromVersion1(_ parameters: [(name: String, value: Tensor<Float>)], _ velocities: [Tensor<Float>]) throws
        -> (parameters: [(name: String, value: Tensor<Float>)], velocities: [Tensor<Float>]) {
        guard velocities.count == parameters.count else {
            throw BinaryReader.Failure.malformed("\(velocities.count) velocities for \(parameters.count) parameters")
        }
        var joined: [(name: String, values: [Tensor<Float>], velocities: [Tensor<Float>])] = []
        var index: [String: Int] = [:]
        for ((name, value), velocity) in zip(parameters, velocities) {
            let name = name.split(separator: ".").filter { !isTower($0) }.joined(separator: ".")
            if let i = index[name] {
                joined[i].values.append(value)
                joined[i].velocities.append(velocity)
            } else {
                index[name] = joined.count
                joined.append((name, [value], [velocity]))
            }
        }
        func concatenated(_ blocks: [Tensor<Float>], _ name: String) throws -> Tensor<Float> {
            guard let first = blocks.first, first.rank >= 1,
                  blocks.allSatisfy({ $0.rank == first.rank && $0.shape.dropFirst() == first.shape.dropFirst() }) else {
                throw BinaryReader.Failure.malformed("the towers of \(name) have shapes \(blocks.map(\.shape)) that do not join")
            }
            return Tensor(shape: [blocks.reduce(0) { $0 + $1.shape[0] }] + first.shape.dropFirst(), scalars: blocks.flatMap(\.scalars))
        }
        return (try joined.map { ($0.name, try concatenated($0.values, $0.name)) },
                try joined.map { try concatenated($0.velocities, $0.name) })
    }

    /// "tower1", "tower2", …: the component version 1 put in a tower's tensor names.
    private static func isTower(_ component: Substring) -> Bool {
        component.hasPrefix("tower") && component.count > 5 && component.dropFirst(5).allSatisfy(\.isNumber)
    }
}
