import Foundation
import AlexNet

/// PyTorch's numbers for the same computations, from the library's golden fixtures
/// (`Tests/AlexNetTests/Fixtures/*.txt`, written by `Scripts/make-golden-fixtures.py`): lines
/// `tensor NAME d0 d1 …` each followed by one line of values.
public enum Golden {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The tensors of fixture `name` (e.g. "max-pooling").
    public static func load(_ name: String, from directory: String) throws -> [String: Tensor<Double>] {
        let path = (directory as NSString).appendingPathComponent("\(name).txt")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Missing(description: "PyTorch's golden numbers \(path) cannot be read: the grader passes --golden with the library's Tests/AlexNetTests/Fixtures")
        }
        var tensors: [String: Tensor<Double>] = [:]
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        var i = 0
        while i + 1 < lines.count {
            let header = lines[i].split(separator: " ")
            guard header.first == "tensor", header.count >= 2 else { i += 1; continue }
            let shape = header.dropFirst(2).compactMap { Int($0) }
            let values = lines[i + 1].split(separator: " ").compactMap { Double($0) }
            guard values.count == shape.reduce(1, *) else {
                throw Missing(description: "\(path): tensor \(header[1]) has \(values.count) values for shape \(shape)")
            }
            tensors[String(header[1])] = Tensor(shape: shape, scalars: values)
            i += 2
        }
        return tensors
    }

    /// One tensor of a fixture, or a clear error.
    public static func tensor(_ key: String, in tensors: [String: Tensor<Double>]) throws -> Tensor<Double> {
        guard let t = tensors[key] else { throw Missing(description: "golden fixture has no tensor \(key)") }
        return t
    }
}

/// Random test data from a seed.
public enum Draw {
    public static func normal(_ shape: [Int], _ g: inout RandomGenerator, standardDeviation: Double = 1) -> Tensor<Double> {
        Tensor<Double>.normal(shape: shape, standardDeviation: standardDeviation, generator: &g)
    }

    /// Distinct values (a shuffled ramp), so that no two elements of a pooling window tie by chance.
    public static func distinct(_ shape: [Int], _ g: inout RandomGenerator) -> Tensor<Double> {
        var values = (0..<shape.reduce(1, *)).map { Double($0) * 0.1 - 3 }
        values.shuffle(using: &g)
        return Tensor(shape: shape, scalars: values)
    }

    /// An integer in `range`.
    public static func int(_ range: ClosedRange<Int>, _ g: inout RandomGenerator) -> Int {
        range.lowerBound + Int(g.next() % UInt64(range.count))
    }
}
