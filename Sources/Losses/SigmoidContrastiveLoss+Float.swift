import CVectorMath
import Numerics

extension SigmoidContrastiveLoss {
    /// `pairTerms` for Float input, in three row passes of the `CVectorMath` sigmoid kernels
    /// (16 lanes, run-time instruction set, rows over the processors; sums in Double).
    ///
    /// With L = s·C + b ≤ s + b, one shared shift `s + b` serves the row and the column
    /// softmaxes of the KL term when the logits span 2s ≤ 80 (exp(−80) is far above Float's
    /// underflow), so no exponential table is stored: pass 1 writes the sigmoid part's gradient
    /// and sums exp(L − shift) by row and by column; pass 2 computes kl_i from row i of C and of
    /// Cᵀ (a second product, `transposed`, instead of a transposed read); pass 3 (α ≠ 0) adds
    /// α/n·∂KL/∂L recomputing the exponentials.
    ///
    /// - Parameters:
    ///   - cosine: C = x̂ x̂′ᵀ, `[n, n]`, rows online.
    ///   - transposed: Cᵀ = x̂′ x̂ᵀ.
    ///   - scale: s ≤ 40.
    ///   - bias: b.
    ///   - gamma: γ ≥ 0.
    ///   - alpha: α ≥ 0.
    static func floatPairTerms(cosine: Matrix<Float>, transposed: Matrix<Float>, scale: Double, bias: Double, gamma: Double, alpha: Double) -> PairTerms<Float> {
        let n = cosine.rows
        let level = VectorMath.best.rawValue
        let (s, b, shift) = (Float(scale), Float(bias), Float(scale + bias))
        let chunks = RowParallelism.chunkCount(rows: n, work: n * n)
        var g = Matrix<Float>(rows: n, columns: n)
        var rowSums = [Double](repeating: 0, count: n)
        var columnPartials = [Double](repeating: 0, count: chunks * n)
        var sigmoidPartials = [Double](repeating: 0, count: chunks)
        var gradientPartials = [Double](repeating: 0, count: 2 * chunks)
        // Pass 1: sigmoid part, its gradient, row and column sums of exp(L − shift).
        cosine.elements.withUnsafeBufferPointer { cBuffer in
            g.elements.withUnsafeMutableBufferPointer { gBuffer in
                rowSums.withUnsafeMutableBufferPointer { rBuffer in
                    columnPartials.withUnsafeMutableBufferPointer { pBuffer in
                        sigmoidPartials.withUnsafeMutableBufferPointer { sBuffer in
                            gradientPartials.withUnsafeMutableBufferPointer { dBuffer in
                                // Chunks write their own rows and partial slots only.
                                nonisolated(unsafe) let (c, gp, rs, cp, sp, dp) = (cBuffer.baseAddress!, gBuffer.baseAddress!, rBuffer.baseAddress!, pBuffer.baseAddress!, sBuffer.baseAddress!, dBuffer.baseAddress!)
                                RowParallelism.forEachChunk(rows: n, work: n * n) { chunk, range in
                                    var part = 0.0
                                    for i in range {
                                        part += CVectorMath_sigmoidPairRow(
                                            level, c + i * n, gp + i * n, n, i, s, b, Float(gamma), Float(1 / Double(n)), shift, cp + chunk * n, rs + i,
                                            dp + 2 * chunk)
                                    }
                                    sp[chunk] = part
                                }
                            }
                        }
                    }
                }
            }
        }
        var columnSums = [Double](repeating: 0, count: n)
        for chunk in 0..<chunks { for j in 0..<n { columnSums[j] += columnPartials[chunk * n + j] } }
        let rowLSE = rowSums.map { Float(Double(shift) + Double.log($0)) }
        let columnLSE = columnSums.map { Float(Double(shift) + Double.log($0)) }
        let inverseRowSums = rowSums.map { Float(1 / $0) }, inverseColumnSums = columnSums.map { Float(1 / $0) }
        // Pass 2: kl_i = Σ_j Q_ij (log Q_ij − log R_ij).
        var kl = [Double](repeating: 0, count: n)
        cosine.elements.withUnsafeBufferPointer { cBuffer in
            transposed.elements.withUnsafeBufferPointer { tBuffer in
                kl.withUnsafeMutableBufferPointer { kBuffer in
                    nonisolated(unsafe) let (c, ct, kp) = (cBuffer.baseAddress!, tBuffer.baseAddress!, kBuffer.baseAddress!)
                    RowParallelism.forEachChunk(rows: n, work: n * n) { _, range in
                        for i in range {
                            kp[i] = CVectorMath_sigmoidKLRow(level, c + i * n, ct + i * n, n, s, b, shift, inverseColumnSums[i], columnLSE[i], rowLSE[i])
                        }
                    }
                }
            }
        }
        // Pass 3: α/n·(M_ji + R_ij − Q_ij).
        if alpha != 0 {
            let klFloat = kl.map { Float($0) }
            var extraPartials = [Double](repeating: 0, count: 2 * chunks)
            cosine.elements.withUnsafeBufferPointer { cBuffer in
                transposed.elements.withUnsafeBufferPointer { tBuffer in
                    g.elements.withUnsafeMutableBufferPointer { gBuffer in
                        extraPartials.withUnsafeMutableBufferPointer { eBuffer in
                            nonisolated(unsafe) let (c, ct, gp, ep) = (cBuffer.baseAddress!, tBuffer.baseAddress!, gBuffer.baseAddress!, eBuffer.baseAddress!)
                            RowParallelism.forEachChunk(rows: n, work: n * n) { chunk, range in
                                for i in range {
                                    CVectorMath_sigmoidKLGradientRow(
                                        level, c + i * n, ct + i * n, gp + i * n, n, s, b, shift, Float(alpha / Double(n)), inverseRowSums[i],
                                        inverseColumnSums[i], inverseColumnSums, columnLSE, rowLSE, klFloat, ep + 2 * chunk)
                                }
                            }
                        }
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
        return PairTerms(
            sigmoidPart: sigmoidPartials.reduce(0, +) / Double(n), klSum: kl.reduce(0, +), gradient: g, gradientSum: gSum, gradientDotCosine: gCos)
    }
}
