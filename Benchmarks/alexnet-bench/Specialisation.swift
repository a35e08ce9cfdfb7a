// Whether the library's generic code is specialised for Float in this module.
import AlexNet
import ToolSupport

/// The same ReLU, once through the library's generic layer, called through the `any Layer`
/// existential as a training loop would, and once as a plain Float loop here.
func specialisationCheck() {
    var x = Tensor<Float>(shape: [1 << 24])
    for i in 0..<x.count { x.scalars[i] = Float(i % 7) - 3 }
    let relu: any Layer<Float> = Activation<Float>(.relu)
    var library: [Double] = [], local: [Double] = []
    for _ in 0..<5 {
        library.append(seconds { _ = relu.forward(x) })
        local.append(seconds {
            var y = x
            y.withUnsafeMutableBufferPointer { y in for i in 0..<y.count { y[i] = max(0, y[i]) } }
            precondition(y.scalars[1] == 0)
        })
    }
    let ratio = median(library) / median(local)
    print(String(format: "specialisation: library ReLU %.2f ms, local loop %.2f ms on 16M floats (ratio %.2f; unspecialised would be ≫ 10)",
                 median(library) * 1e3, median(local) * 1e3, ratio))
}
