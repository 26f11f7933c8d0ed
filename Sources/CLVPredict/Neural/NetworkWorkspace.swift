#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffers for forward and backward passes over batches of up to `capacity` rows, allocated once
/// and reused for every batch (one workspace per thread).
final class NetworkWorkspace {
    let layout: NetworkLayout
    let capacity: Int
    /// The batch's input rows (capacity × inputs), row-major.
    let input: UnsafeMutablePointer<Double>
    /// Labels (0 or 1) and training weights of the batch rows.
    let labels: UnsafeMutablePointer<Double>
    let weights: UnsafeMutablePointer<Double>
    /// Per layer: its outputs (after ReLU for hidden layers; the logit for the last), capacity × size.
    private let outputs: [UnsafeMutablePointer<Double>]
    /// Per layer: ∂loss/∂(pre-activation), capacity × size.
    private let deltas: [UnsafeMutablePointer<Double>]

    init(layout: NetworkLayout, capacity: Int) {
        self.layout = layout
        self.capacity = capacity
        input = .allocate(capacity: capacity * layout.inputs)
        labels = .allocate(capacity: capacity)
        weights = .allocate(capacity: capacity)
        outputs = layout.sizes.dropFirst().map { .allocate(capacity: capacity * $0) }
        deltas = layout.sizes.dropFirst().map { .allocate(capacity: capacity * $0) }
    }

    deinit {
        input.deallocate()
        labels.deallocate()
        weights.deallocate()
        outputs.forEach { $0.deallocate() }
        deltas.forEach { $0.deallocate() }
    }

    /// The logits of the last forward pass.
    var logits: UnsafeMutablePointer<Double> { outputs[layout.layerCount - 1] }

    /// Runs the network on the first `rows` rows of `input`; the logits are then in ``logits``.
    func forward(_ parameters: UnsafePointer<Double>, rows: Int) {
        let sizes = layout.sizes, last = layout.layerCount - 1
        var source = UnsafePointer(input)
        for l in 0...last {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let w = parameters + layout.weightOffsets[l], b = parameters + layout.biasOffsets[l]
            let out = outputs[l]
            for i in 0..<rows {
                let o = out + i &* fanOut
                DenseKernels.affine(source + i &* fanIn, m: fanIn, weights: w, bias: b, n: fanOut, into: o)
                if l < last { for j in 0..<fanOut { o[j] = max(o[j], 0) } }
            }
            source = UnsafePointer(out)
        }
    }

    /// The batch loss and its gradient for the first `rows` rows (after ``forward(_:rows:)`` with the
    /// same parameters): loss = (1/B) Σ sᵢ logloss(yᵢ, zᵢ) + α/(2B) Σ‖W‖² over the weights (not the
    /// biases), B = rows, as scikit-learn's MLPClassifier. Writes every gradient entry.
    func backward(_ parameters: UnsafePointer<Double>, rows: Int, alpha: Double,
                  gradient: UnsafeMutablePointer<Double>) -> Double {
        let sizes = layout.sizes, last = layout.layerCount - 1
        let batch = Double(rows)
        var loss = 0.0
        let z = logits, top = deltas[last]
        for i in 0..<rows {
            let s = weights[i], y = labels[i]
            loss += s * (LogisticObjective.softplus(z[i]) - y * z[i])
            top[i] = s * (LogisticObjective.sigmoid(z[i]) - y) / batch
        }
        loss /= batch
        let decay = alpha / batch
        var squares = 0.0
        for l in stride(from: last, through: 0, by: -1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let w = parameters + layout.weightOffsets[l]
            let gw = gradient + layout.weightOffsets[l], gb = gradient + layout.biasOffsets[l]
            let source = l == 0 ? UnsafePointer(input) : UnsafePointer(outputs[l - 1])
            let delta = deltas[l]
            for k in 0..<(fanIn &* fanOut) { squares += w[k] * w[k] }
            DenseKernels.weightGradient(source, m: fanIn, deltas: delta, n: fanOut, rows: rows, weights: w, decay: decay,
                                        into: gw)
            for j in 0..<fanOut { gb[j] = 0 }
            for i in 0..<rows {
                let d = delta + i &* fanOut
                for j in 0..<fanOut { gb[j] += d[j] }
            }
            guard l > 0 else { continue }
            // δ of the layer below: (δ Wᵀ) ⊙ ReLU′, and ReLU′ = 1 exactly where the output is > 0.
            let below = deltas[l - 1]
            for i in 0..<rows {
                let a = source + i &* fanIn, d = delta + i &* fanOut, e = below + i &* fanIn
                for k in 0..<fanIn {
                    let wk = w + k &* fanOut
                    var sum = 0.0
                    for j in 0..<fanOut { sum += d[j] * wk[j] }
                    e[k] = a[k] > 0 ? sum : 0
                }
            }
        }
        return loss + 0.5 * decay * squares
    }
}
