import Foundation
import AlexNet

/// Assignment 1 — the two neurons of the paper's Figure 1 (Section 3.1): the rectified linear
/// unit f(x) = max(0, x) and the saturating f(x) = tanh(x), forward and backward.
///
///     ReLU:  y = max(0, x)       dx = dy · [x > 0]      (0 at x = 0, as in PyTorch)
///     tanh:  y = tanh(x)         dx = dy · (1 − y²)     (from the output y, not the input)
///
/// Shapes: any; each function returns a tensor of its argument's shape.
public enum Activations {
    /// y = max(0, x), element by element.
    public static func reluForward(_ x: Tensor<Double>) throws -> Tensor<Double> {
        // BEGIN SOLUTION relu-forward
        Tensor(shape: x.shape, scalars: x.scalars.map { max(0, $0) })
        // END SOLUTION
    }

    /// dx = dy · [x > 0], with x the forward pass's input.
    public static func reluBackward(_ dy: Tensor<Double>, input x: Tensor<Double>) throws -> Tensor<Double> {
        // BEGIN SOLUTION relu-backward
        guard dy.shape == x.shape else { throw ShapeError("relu backward: dy \(dy.shape), x \(x.shape)") }
        return Tensor(shape: x.shape, scalars: zip(dy.scalars, x.scalars).map { dy, x in x > 0 ? dy : 0 })
        // END SOLUTION
    }

    /// y = tanh(x), element by element.
    public static func tanhForward(_ x: Tensor<Double>) throws -> Tensor<Double> {
        // BEGIN SOLUTION tanh-forward
        Tensor(shape: x.shape, scalars: x.scalars.map { tanh($0) })
        // END SOLUTION
    }

    /// dx = dy · (1 − y²), with y the forward pass's output.
    public static func tanhBackward(_ dy: Tensor<Double>, output y: Tensor<Double>) throws -> Tensor<Double> {
        // BEGIN SOLUTION tanh-backward
        guard dy.shape == y.shape else { throw ShapeError("tanh backward: dy \(dy.shape), y \(y.shape)") }
        return Tensor(shape: y.shape, scalars: zip(dy.scalars, y.scalars).map { dy, y in dy * (1 - y * y) })
        // END SOLUTION
    }
}
