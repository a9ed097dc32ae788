/// e^x for eight Float lanes at once: the exponential the softmax kernels use on Float data.
///
/// Cephes' `expf` scheme: x = n·ln 2 + r with n = round(x·log₂e) and |r| ≤ ln2/2 (ln 2 split in
/// two parts for an exact reduction), e^r by its degree-7 minimax polynomial, then 2ⁿ through the
/// exponent bits. Relative error ≤ 2 ulp on [−87.3, 88] (checked against `expf` on a dense
/// grid in the tests). Inputs below −87.3 give 0 (the true value is below Float's smallest
/// normal number), inputs above 88 give e^88 ≈ 1.65e38 (finite; callers never use such
/// values), NaN gives NaN.
///
/// - Parameter x: Eight arguments.
/// - Returns: Eight values of e^x.
@inlinable
public func vectorExponential(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let upper = SIMD8<Float>(repeating: 88), lower = SIMD8<Float>(repeating: -87.33654)
    var v = x.replacing(with: upper, where: x .> upper)
    let underflow = v .< lower
    v.replace(with: lower, where: underflow)
    let notANumber = x .!= x
    v.replace(with: 0, where: notANumber)  // keeps the integer conversion below in range
    // n = round(v·log₂e) by the 1.5·2²³ trick (SSE2 has no rounding instruction; `rounded`
    // would be eight library calls): the sum's low mantissa bits hold n.
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let biased = v * 1.44269504088896341 + magic
    let n = biased - magic
    var r = v - n * 0.693359375
    r = r - n * -2.12194440e-4
    let z = r * r
    var y = SIMD8<Float>(repeating: 1.9875691500E-4)
    y = y * r + 1.3981999507E-3
    y = y * r + 8.3334519073E-3
    y = y * r + 4.1665795894E-2
    y = y * r + 1.6666665459E-1
    y = y * r + 5.0000001201E-1
    y = y * z + r + 1
    // 2ⁿ from the exponent field: n ∈ [−126, 127] after the clamps, a normal number.
    let integer = unsafeBitCast(biased, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let twoToN = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
    var result = y * twoToN
    result.replace(with: 0, where: underflow)
    result.replace(with: .nan, where: notANumber)
    return result
}
