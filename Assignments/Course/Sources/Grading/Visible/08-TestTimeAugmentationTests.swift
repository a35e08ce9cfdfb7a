import Foundation
import AlexNet
import Coursework

/// Assignment 8's visible tests: a lighting shift, the ten views and crops, and the averaged
/// prediction, all worked out by hand.
enum TestTimeAugmentationTests {
    typealias View = TestTimeAugmentation.View

    static let tests: [GradedTest] = [
        GradedTest("PCA lighting shift", points: 2) { judge in
            // Orthonormal eigenvectors, one per row (the matrix is not symmetric, so rows and columns differ).
            let p = [[0.6, 0.8, 0], [-0.48, 0.36, 0.8], [0.64, -0.48, 0.6]]
            let shift = try TestTimeAugmentation.lightingShift(eigenvalues: [0.2, 0.02, 0.002], eigenvectors: p, alphas: [0.1, -0.2, 0.05])
            // α·λ = (0.02, −0.004, 0.0001); shift[c] = Σᵢ pᵢ[c]·αᵢλᵢ.
            judge.compare("shift", shift, [0.013984, 0.014512, -0.00314])
        },
        GradedTest("the ten views of a 6×7 image", points: 2) { judge in
            let corners = [(0, 0), (4, 0), (0, 3), (4, 3), (2, 1)]
            let expected = [false, true].flatMap { f in corners.map { View(x: $0.0, y: $0.1, flipped: f) } }
            let views = try TestTimeAugmentation.tenViews(height: 6, width: 7, size: 3)
            judge.require(views == expected, "views \(views), expected \(expected)")
        },
        GradedTest("a crop and its mirror image", points: 1) { judge in
            let image = Tensor<Double>(shape: [1, 3, 4], scalars: (0..<12).map(Double.init))
            judge.compare("crop at (1, 1)", try TestTimeAugmentation.crop(image, view: View(x: 1, y: 1, flipped: false), size: 2),
                          Tensor(shape: [1, 2, 2], scalars: [5, 6, 9, 10]))
            judge.compare("mirrored crop at (1, 1)", try TestTimeAugmentation.crop(image, view: View(x: 1, y: 1, flipped: true), size: 2),
                          Tensor(shape: [1, 2, 2], scalars: [6, 5, 10, 9]))
        },
        GradedTest("ten-view prediction: the mean of the softmax outputs", points: 2) { judge in
            // Two views: softmax(0, 0) = (1/2, 1/2) and softmax(ln 3, 0) = (3/4, 1/4); their mean is (5/8, 3/8).
            let logits = Tensor<Double>(shape: [2, 2], scalars: [0, 0, log(3), 0])
            judge.compare("prediction", try TestTimeAugmentation.averagedPrediction(logits: logits), [0.625, 0.375])
        },
    ]
}
