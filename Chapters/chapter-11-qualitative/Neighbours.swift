import AlexNet
import AlexNetData
import AlexNetTraining
import Foundation
import ToolSupport

/// Figure 4 measured (Section 6.1): the paper ranks training images by the Euclidean distance of
/// their last-hidden-layer (fc7) vectors to a test image's, and finds images of the same kind
/// that are not close in pixels. Here, the same ranking beside the ranking by raw pixel distance,
/// shown for a few test images and counted over many.
struct NeighbourStudy {
    /// The test images shown, evenly spaced through the test split (not picked by their result).
    var shown: [Int]
    /// Each shown image's five most probable classes with their probabilities.
    var predictions: [[(index: Int, score: Float)]]
    /// Each shown image's nearest training images, by fc7 and by pixels.
    var fc7Nearest: [[NearestNeighbours.Neighbour]], pixelNearest: [[NearestNeighbours.Neighbour]]
    /// Test images counted, and for k = 1, 5, 20 the share of their k nearest training images
    /// whose label is the query's, by fc7 and by pixels.
    var queries: Int
    var agreement: [(k: Int, fc7: Double, pixels: Double)]
    /// Median over the counted test images of the pixel distance to the nearest training image
    /// by fc7, and to the nearest by pixels (normalised pixels): how far in pixels fc7's choice is.
    var pixelDistance: (fc7Nearest: Double, pixelNearest: Double)
    /// Seconds the two searches of the whole training set took (queries shown and counted).
    var searchSeconds: (fc7: Double, pixels: Double)
    static let shownCount = 8, neighboursShown = 6, ks = [1, 5, 20]

    init(_ network: AlexNetModel<Float>, data: Dataset, normalization: Normalization, queries: Int) {
        let test = data.test, train = data.train
        shown = (0..<Self.shownCount).map { $0 * test.count / Self.shownCount }
        let counted = Array(stride(from: 0, to: test.count, by: max(1, test.count / queries)).prefix(queries))
        self.queries = counted.count
        let trainingIndices = Array(0..<train.count)

        let trainingFeatures = Self.fc7(network, train, trainingIndices, normalization)
        let trainingPixels = Self.pixels(train, trainingIndices, normalization)
        let probabilities = SoftmaxCrossEntropy<Float>.softmax(Self.logits(network, test, shown, normalization))
        predictions = (0..<shown.count).map { i in
            TopK.top(Array(probabilities.scalars[i * data.classes..<(i + 1) * data.classes]), k: min(5, data.classes))
        }
        let kMax = Self.ks.max()!
        let queryFeatures = Self.fc7(network, test, shown + counted, normalization)
        let queryPixels = Self.pixels(test, shown + counted, normalization)
        var started = Date()
        let byFeatures = NearestNeighbours.search(queries: queryFeatures, references: trainingFeatures, k: kMax)
        let fc7Seconds = Date().timeIntervalSince(started)
        started = Date()
        let byPixels = NearestNeighbours.search(queries: queryPixels, references: trainingPixels, k: kMax)
        searchSeconds = (fc7Seconds, Date().timeIntervalSince(started))
        fc7Nearest = byFeatures.prefix(shown.count).map { Array($0.prefix(Self.neighboursShown)) }
        pixelNearest = byPixels.prefix(shown.count).map { Array($0.prefix(Self.neighboursShown)) }

        let (f, p) = (Array(byFeatures.dropFirst(shown.count)), Array(byPixels.dropFirst(shown.count)))
        func share(_ found: [[NearestNeighbours.Neighbour]], k: Int) -> Double {
            let same = zip(counted, found).map { q, ns in ns.prefix(k).filter { train.labels[$0.index] == test.labels[q] }.count }
            return Double(same.reduce(0, +)) / Double(counted.count * k)
        }
        agreement = Self.ks.map { k in (k, share(f, k: k), share(p, k: k)) }
        // Pixel distance from each counted query to fc7's nearest training image.
        let (D, offset) = (train.imageSize, shown.count)
        let (queryValues, trainingValues) = (queryPixels.scalars, trainingPixels.scalars)
        let fc7Distances: [Double] = zip(counted.indices, f).map { q, ns in
            let j = ns[0].index
            var sum = 0.0
            for d in 0..<D {
                let diff = Double(queryValues[(offset + q) * D + d]) - Double(trainingValues[j * D + d])
                sum += diff * diff
            }
            return sum.squareRoot()
        }
        pixelDistance = (median(fc7Distances), median(p.map { Double($0[0].distance) }))
    }

    var sentence: String {
        agreement.map { "k = \($0.k): \(String(format: "%.1f", $0.fc7 * 100))% of fc7 neighbours share the label, \(String(format: "%.1f", $0.pixels * 100))% of pixel neighbours" }
            .joined(separator: "; ") + " (\(queries) test images); pixel distance to fc7's nearest \(String(format: "%.1f", pixelDistance.fc7Nearest)), to the pixel nearest \(String(format: "%.1f", pixelDistance.pixelNearest))"
    }

    // MARK: Vectors

    /// The centre views of `indices`, normalised, in batches of 256.
    static func batches(_ split: DatasetSplit, _ indices: [Int], _ normalization: Normalization) -> [Tensor<Float>] {
        let view = Augmentation.none.centreView(height: split.height, width: split.width)
        return stride(from: 0, to: indices.count, by: 256).map { start in
            let chunk = Array(indices[start..<min(indices.count, start + 256)])
            return Augmentation.batch(views: Array(repeating: view, count: chunk.count), of: split, indices: chunk, normalization: normalization)
        }
    }

    /// (N, fc7 width): the last hidden layer, in inference mode.
    static func fc7(_ network: AlexNetModel<Float>, _ split: DatasetSplit, _ indices: [Int], _ normalization: Normalization) -> Tensor<Float> {
        stacked(batches(split, indices, normalization).map { network.fc7Features($0) })
    }

    /// (N, classes) logits in inference mode.
    static func logits(_ network: AlexNetModel<Float>, _ split: DatasetSplit, _ indices: [Int], _ normalization: Normalization) -> Tensor<Float> {
        let saved = network.phase
        network.phase = .inference
        defer { network.phase = saved }
        return stacked(batches(split, indices, normalization).map { network.forward($0) })
    }

    /// (N, C·H·W): the normalised pixels, one image a row.
    static func pixels(_ split: DatasetSplit, _ indices: [Int], _ normalization: Normalization) -> Tensor<Float> {
        stacked(batches(split, indices, normalization).map { $0.reshaped(to: [$0.shape[0], $0.count / $0.shape[0]]) })
    }

    static func stacked(_ parts: [Tensor<Float>]) -> Tensor<Float> {
        Tensor(shape: [parts.map { $0.shape[0] }.reduce(0, +), parts[0].count / parts[0].shape[0]], scalars: parts.flatMap(\.scalars))
    }
}
