import ProcessRuntime
import LinearAlgebra

extension SigmoidContrastiveLoss {
    /// `pairTerms` for Float input, in two passes of the `CLossKernels` sigmoid kernels over
    /// 16 × 16 tiles (16 lanes, run-time instruction set, work over the processors; sums in
    /// Double), followed by the gradient products.
    ///
    /// With L = s·C + b ≤ s + b, one shared shift `s + b` serves the row and the column
    /// softmaxes of the KL term when the logits span 2s ≤ 80 (exp(−80) is far above Float's
    /// underflow). Both passes run on the pairs of 16 × 16 tiles (I, J), (J, I), reading each
    /// tile of C (and of E) once, the mirror tile transposed in registers (no transposed copy):
    /// pass 1 writes E = exp(L − shift) and sums it by row and by column, and E ⊙ (C − Cᵀ) by
    /// column, from which the KL value follows; pass 2 turns E into G = ∂(sigmoid part +
    /// α·KL)/∂L in place, the sigmoid part's exp(−|L|) being E·exp(shift) (no exponential). C
    /// and E/G are two blocks of one 64-byte aligned `[2n, n]` allocation.
    ///
    /// - Parameters:
    ///   - online: x̂, `[n, d]` unit rows.
    ///   - target: x̂′, `[n, d]` unit rows.
    ///   - scale: s ≤ 40.
    ///   - bias: b.
    ///   - gamma: γ ≥ 0.
    ///   - alpha: α ≥ 0.
    ///   - factor: Multiplies G in the gradient products.
    ///   - onlineGradient: `[n, d]`, receives `+= factor·G x̂′`.
    ///   - targetGradient: `[n, d]`, receives `+= factor·Gᵀ x̂`.
    static func floatPairTerms(
        online x: Matrix<Float>, target y: Matrix<Float>, scale: Double, bias: Double, gamma: Double, alpha: Double, addingGradientTimes factor: Float,
        onlineGradient: inout Matrix<Float>, targetGradient: inout Matrix<Float>
    ) throws -> PairTerms {
        let n = x.rows, d = x.columns
        var terms = PairTerms(sigmoidPart: 0, klSum: 0, gradientSum: 0, gradientDotCosine: 0)
        // Every element is written: C by the product (β = 0), E/G in pass 1. 64-byte aligned,
        // so that with n a multiple of 16 every tile row is one cache line (with an Array's
        // 16-byte alignment each straddles two, and the two threads' neighbouring tiles share
        // lines: the passes took 25–30 % longer at n = 256).
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 2 * n * n * MemoryLayout<Float>.stride, alignment: 64)
        defer { raw.deallocate() }
        let c = raw.bindMemory(to: Float.self, capacity: 2 * n * n), g = c + n * n
        try x.elements.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) in
            try y.elements.withUnsafeBufferPointer { (yp) throws(LinearAlgebraError) in
                try Matrix<Float>.rowBlockedGEMM(
                    transposeA: false, transposeB: true, m: n, n: n, k: d, alpha: 1, a: xp.baseAddress!, lda: d, b: yp.baseAddress!, ldb: d, beta: 0, c: c, ldc: n)
                terms = passes(c: c, g: g, n: n, scale: scale, bias: bias, gamma: gamma, alpha: alpha)
                try onlineGradient.elements.withUnsafeMutableBufferPointer { (dx) throws(LinearAlgebraError) in
                    try targetGradient.elements.withUnsafeMutableBufferPointer { (dy) throws(LinearAlgebraError) in
                        try gradientProducts(
                            g: g, n: n, d: d, factor: factor, online: xp.baseAddress!, target: yp.baseAddress!, onlineGradient: dx.baseAddress!,
                            targetGradient: dy.baseAddress!)
                    }
                }
            }
        }
        return terms
    }

    /// `dx += factor·G·x̂′` and `dy += factor·Gᵀ·x̂` (`[n, d]` each, G `[n, n]`). Two processors
    /// and a large enough problem: the two products at once, one per core with one-thread BLAS
    /// (one hand-off instead of two row-blocked products); otherwise `rowBlockedGEMM` each.
    private static func gradientProducts(
        g: UnsafePointer<Float>, n: Int, d: Int, factor: Float, online x: UnsafePointer<Float>, target y: UnsafePointer<Float>,
        onlineGradient dx: UnsafeMutablePointer<Float>, targetGradient dy: UnsafeMutablePointer<Float>
    ) throws(LinearAlgebraError) {
        guard WorkerPool.parallelism >= 2, n * n * d >= Matrix<Float>.rowBlockThreshold else {
            try Matrix<Float>.rowBlockedGEMM(
                transposeA: false, transposeB: false, m: n, n: d, k: n, alpha: factor, a: g, lda: n, b: y, ldb: d, beta: 1, c: dx, ldc: d)
            try Matrix<Float>.rowBlockedGEMM(
                transposeA: true, transposeB: false, m: n, n: d, k: n, alpha: factor, a: g, lda: n, b: x, ldb: d, beta: 1, c: dy, ldc: d)
            return
        }
        // Every size and leading dimension here is n or d, which the product of C validated: the
        // calls cannot fail.
        nonisolated(unsafe) let (gp, xp, yp, dxp, dyp) = (g, x, y, dx, dy)
        BLASThreads.concurrentlyOnOneThreadEach(iterations: 2) { product in
            if product == 0 {
                try? Float.gemm(transposeA: false, transposeB: false, m: n, n: d, k: n, alpha: factor, a: gp, lda: n, b: yp, ldb: d, beta: 1, c: dxp, ldc: d)
            } else {
                try? Float.gemm(transposeA: true, transposeB: false, m: n, n: d, k: n, alpha: factor, a: gp, lda: n, b: xp, ldb: d, beta: 1, c: dyp, ldc: d)
            }
        }
    }

    /// The two passes of `floatPairTerms` on C (read) and E/G (written), each `[n, n]`.
    private static func passes(
        c: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, n: Int, scale: Double, bias: Double, gamma: Double, alpha: Double
    ) -> PairTerms {
        let level = VectorMath.best
        let (s, b, shift) = (Float(scale), Float(bias), Float(scale + bias))
        let panels = (n + 15) / 16
        // Both passes run over the tile pairs (I, J ≥ I) of each panel I. Pass 1 costs an
        // exponential per entry, pass 2 a few times that: weighed as 4n² plain entries when
        // deciding whether to split.
        let chunks = RowParallelism.tilePanelChunkCount(panels: panels, work: 4 * n * n)
        func forEachPanel(_ body: @Sendable (_ chunk: Int, _ panel: Int) -> Void) {
            RowParallelism.forEachTilePanel(panels: panels, work: 4 * n * n, body)
        }
        // Pass 1: E, and per chunk the partial row and column sums of E and column sums of
        // E ⊙ (C − Cᵀ), n each.
        var partials = [Double](repeating: 0, count: 3 * chunks * n)
        partials.withUnsafeMutableBufferPointer { pBuffer in
            // Chunks write their own pairs' tiles of E and their own partial slots only.
            nonisolated(unsafe) let (c, e, p) = (c, g, pBuffer.baseAddress!)
            forEachPanel { chunk, panel in
                let base = p + 3 * chunk * n
                LossKernels.sigmoidExpPanel(level, c, e, n, 16 * panel, s, b, shift, base, base + n, base + 2 * n)
            }
        }
        var rowSums = [Double](repeating: 0, count: n), columnSums = rowSums, columnDifferences = rowSums
        for chunk in 0..<chunks {
            for j in 0..<n {
                rowSums[j] += partials[3 * chunk * n + j]
                columnSums[j] += partials[3 * chunk * n + n + j]
                columnDifferences[j] += partials[3 * chunk * n + 2 * n + j]
            }
        }
        let rowLSE = rowSums.map { Double(shift) + Double.logarithm($0) }
        let columnLSE = columnSums.map { Double(shift) + Double.logarithm($0) }
        // kl_i = Σ_j Q_ij (log Q_ij − log R_ij) with Q_ij = E_ji/c_i, log Q_ij = L_ji − colLSE_i,
        // log R_ij = L_ij − rowLSE_i and Σ_j Q_ij = 1: kl_i = s·Σ_j E_ji (C_ji − C_ij)/c_i +
        // rowLSE_i − colLSE_i, from pass 1's column sums (no second pass over C and Cᵀ).
        let kl = (0..<n).map { i in scale * columnDifferences[i] / columnSums[i] + rowLSE[i] - columnLSE[i] }
        // Pass 2 on the same tile pairs.
        let inverseRowSums = rowSums.map { Float(1 / $0) }, inverseColumnSums = columnSums.map { Float(1 / $0) }
        let klFloat = kl.map { Float($0) }, columnLSEFloat = columnLSE.map { Float($0) }, rowLSEFloat = rowLSE.map { Float($0) }
        let klFactor = Float(alpha / Double(n)), gradientScale = Float(1 / Double(n))
        // Per chunk: −Σ w·log p, Σ G, Σ G ⊙ C.
        var sums = [Double](repeating: 0, count: 3 * chunks)
        sums.withUnsafeMutableBufferPointer { sBuffer in
            nonisolated(unsafe) let (c, eg, sp) = (c, g, sBuffer.baseAddress!)
            forEachPanel { chunk, panel in
                for other in panel..<panels {
                    LossKernels.sigmoidGradientTilePair(
                        level, c, eg, n, 16 * panel, 16 * other, s, b, Float(gamma), gradientScale, klFactor, shift, inverseRowSums,
                        inverseColumnSums, columnLSEFloat, rowLSEFloat, klFloat, sp + 3 * chunk)
                }
            }
        }
        var (part, gSum, gCos) = (0.0, 0.0, 0.0)
        for chunk in 0..<chunks {
            part += sums[3 * chunk]
            gSum += sums[3 * chunk + 1]
            gCos += sums[3 * chunk + 2]
        }
        return PairTerms(sigmoidPart: part / Double(n), klSum: kl.reduce(0, +), gradientSum: gSum, gradientDotCosine: gCos)
    }
}
