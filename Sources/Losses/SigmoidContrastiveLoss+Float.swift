import CVectorMath
import Numerics

extension SigmoidContrastiveLoss {
    /// `pairTerms` for Float input, in two row passes of the `CVectorMath` sigmoid kernels
    /// (16 lanes, run-time instruction set, rows over the processors; sums in Double), followed
    /// by the gradient products.
    ///
    /// With L = s·C + b ≤ s + b, one shared shift `s + b` serves the row and the column
    /// softmaxes of the KL term when the logits span 2s ≤ 80 (exp(−80) is far above Float's
    /// underflow), so no exponential table is stored: pass 1 writes the sigmoid part's gradient
    /// and sums E = exp(L − shift) by row and by column and E ⊙ (C − Cᵀ) by column, from which
    /// the KL value follows; pass 2 (α ≠ 0) adds α/n·∂KL/∂L, recomputing the exponentials. Cᵀ is
    /// a tiled transposed copy, so that both passes read rows. C, Cᵀ and G are three blocks of
    /// one `[3n, n]` allocation: glibc keeps one freed block of that size for the next call,
    /// where three separate ones are returned to the system and fault in again (a third of the
    /// time at n = 1024).
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
        // Every element is written: C by the product (β = 0), Cᵀ and G in pass 1.
        _ = try Matrix<Float>(rows: 3 * n, columns: n) { (buffer) throws(LinearAlgebraError) in
            let (c, ct, g) = (buffer.baseAddress!, buffer.baseAddress! + n * n, buffer.baseAddress! + 2 * n * n)
            try x.elements.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) in
                try y.elements.withUnsafeBufferPointer { (yp) throws(LinearAlgebraError) in
                    try Matrix<Float>.rowBlockedGEMM(
                        transposeA: false, transposeB: true, m: n, n: n, k: d, alpha: 1, a: xp.baseAddress!, lda: d, b: yp.baseAddress!, ldb: d, beta: 0, c: c, ldc: n)
                    terms = passes(c: c, ct: ct, g: g, n: n, scale: scale, bias: bias, gamma: gamma, alpha: alpha)
                    try onlineGradient.elements.withUnsafeMutableBufferPointer { (dx) throws(LinearAlgebraError) in
                        try targetGradient.elements.withUnsafeMutableBufferPointer { (dy) throws(LinearAlgebraError) in
                            try gradientProducts(
                                g: g, n: n, d: d, factor: factor, online: xp.baseAddress!, target: yp.baseAddress!, onlineGradient: dx.baseAddress!,
                                targetGradient: dy.baseAddress!)
                        }
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
        guard BLASThreads.processorCount >= 2, n * n * d >= Matrix<Float>.rowBlockThreshold else {
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

    /// The two passes of `floatPairTerms` on C, Cᵀ (read) and G (written), each `[n, n]`.
    private static func passes(
        c: UnsafeMutablePointer<Float>, ct: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, n: Int, scale: Double, bias: Double, gamma: Double,
        alpha: Double
    ) -> PairTerms {
        let level = VectorMath.best.rawValue
        let (s, b, shift) = (Float(scale), Float(bias), Float(scale + bias))
        // Each entry costs several exponentials and logarithms: weigh it as eight entries of
        // a plain pass when deciding whether to split rows over the processors.
        let work = 8 * n * n
        let chunks = RowParallelism.chunkCount(rows: n, work: work)
        var rowSums = [Double](repeating: 0, count: n)
        // Per chunk: column sums of E and of E ⊙ (C − Cᵀ), n each.
        var columnPartials = [Double](repeating: 0, count: 2 * chunks * n)
        var sigmoidPartials = [Double](repeating: 0, count: chunks)
        var gradientPartials = [Double](repeating: 0, count: 2 * chunks)
        // Pass 1: sigmoid part, its gradient (every entry written), row and column sums of
        // E = exp(L − shift) and the column sums of E ⊙ (C − Cᵀ) for the KL value.
        rowSums.withUnsafeMutableBufferPointer { rBuffer in
            columnPartials.withUnsafeMutableBufferPointer { pBuffer in
                sigmoidPartials.withUnsafeMutableBufferPointer { sBuffer in
                    gradientPartials.withUnsafeMutableBufferPointer { dBuffer in
                        // Chunks write their own rows and partial slots only.
                        nonisolated(unsafe) let (c, ct, gp, rs, cp, sp, dp) = (c, ct, g, rBuffer.baseAddress!, pBuffer.baseAddress!, sBuffer.baseAddress!, dBuffer.baseAddress!)
                        RowParallelism.forEachChunk(rows: n, work: work) { chunk, range in
                            // This chunk's rows of Cᵀ (C's columns, a tiled copy) first: pass 1 reads
                            // them, and no other chunk does.
                            CVectorMath_transpose(c, n, n, 0, n, range.lowerBound, range.upperBound, ct)
                            var part = 0.0
                            for i in range {
                                part += CVectorMath_sigmoidPairRow(
                                    level, c + i * n, ct + i * n, gp + i * n, n, i, s, b, Float(gamma), Float(1 / Double(n)), shift,
                                    cp + 2 * chunk * n, cp + (2 * chunk + 1) * n, rs + i, dp + 2 * chunk)
                            }
                            sp[chunk] = part
                        }
                    }
                }
            }
        }
        var columnSums = [Double](repeating: 0, count: n), columnDifferences = columnSums
        for chunk in 0..<chunks {
            for j in 0..<n {
                columnSums[j] += columnPartials[2 * chunk * n + j]
                columnDifferences[j] += columnPartials[(2 * chunk + 1) * n + j]
            }
        }
        let rowLSE = rowSums.map { Double(shift) + Double.log($0) }
        let columnLSE = columnSums.map { Double(shift) + Double.log($0) }
        let inverseRowSums = rowSums.map { Float(1 / $0) }, inverseColumnSums = columnSums.map { Float(1 / $0) }
        // kl_i = Σ_j Q_ij (log Q_ij − log R_ij) with Q_ij = E_ji/c_i, log Q_ij = L_ji − colLSE_i,
        // log R_ij = L_ij − rowLSE_i and Σ_j Q_ij = 1: kl_i = s·Σ_j E_ji (C_ji − C_ij)/c_i +
        // rowLSE_i − colLSE_i, from pass 1's column sums (no second pass over C and Cᵀ).
        let kl = (0..<n).map { i in scale * columnDifferences[i] / columnSums[i] + rowLSE[i] - columnLSE[i] }
        // Pass 2: α/n·(M_ji + R_ij − Q_ij).
        if alpha != 0 {
            let klFloat = kl.map { Float($0) }, columnLSEFloat = columnLSE.map { Float($0) }, rowLSEFloat = rowLSE.map { Float($0) }
            var extraPartials = [Double](repeating: 0, count: 2 * chunks)
            extraPartials.withUnsafeMutableBufferPointer { eBuffer in
                nonisolated(unsafe) let (c, ct, gp, ep) = (c, ct, g, eBuffer.baseAddress!)
                RowParallelism.forEachChunk(rows: n, work: work) { chunk, range in
                    for i in range {
                        CVectorMath_sigmoidKLGradientRow(
                            level, c + i * n, ct + i * n, gp + i * n, n, s, b, shift, Float(alpha / Double(n)), inverseRowSums[i],
                            inverseColumnSums[i], inverseColumnSums, columnLSEFloat, rowLSEFloat, klFloat, ep + 2 * chunk)
                    }
                }
            }
            for k in 0..<(2 * chunks) { gradientPartials[k] += extraPartials[k] }
        }
        var (gSum, gCos) = (0.0, 0.0)
        for chunk in 0..<chunks {
            gSum += gradientPartials[2 * chunk]
            gCos += gradientPartials[2 * chunk + 1]
        }
        return PairTerms(sigmoidPart: sigmoidPartials.reduce(0, +) / Double(n), klSum: kl.reduce(0, +), gradientSum: gSum, gradientDotCosine: gCos)
    }
}
