import ArrayFiles
public import LinearAlgebra

/// The 8×8 handwritten digits (`data/digits_x.npy` float32 `[1797, 64]` with pixel values
/// 0…16, `data/digits_y.npy` int64 labels 0…9), identical to scikit-learn's `load_digits`.
///
/// Split (fixed, documented): row `i` is a test row when `i % 4 == 3` (449 rows), otherwise a
/// training row (1,348), the split of docs/reference/linear-probe.md, "Golden values". Pixels are scaled to
/// [0, 1] by dividing by 16 (not standardised, so augmentations act on pixel intensities).
public enum Digits {
    /// Side length of a digit image in pixels.
    public static let side = 8

    /// Loads the bundled arrays and splits them.
    ///
    /// - Parameters:
    ///   - featuresPath: Path of `digits_x.npy`.
    ///   - labelsPath: Path of `digits_y.npy`.
    ///   - limit: Use only the first `limit` rows (for quick tests); `nil` for all.
    /// - Returns: The split, features in [0, 1].
    /// - Throws: `DatasetError` when a file is unreadable or the shapes disagree.
    public static func load(featuresPath: String, labelsPath: String, limit: Int? = nil) throws(DatasetError) -> LabelledSplit {
        let x: Matrix<Float>
        let y: [Int]
        do {
            x = try NPYArray(contentsOfFile: featuresPath).matrix(of: Float.self, path: featuresPath)
            y = try NPYArray(contentsOfFile: labelsPath).integers(path: labelsPath)
        } catch {
            throw .unreadable(path: featuresPath, reason: error.description)
        }
        guard x.rows == y.count, x.columns == side * side else {
            throw .shapeMismatch(path: featuresPath, reason: "expected [n, 64] features and n labels, got [\(x.rows), \(x.columns)] and \(y.count)")
        }
        let n = min(limit ?? x.rows, x.rows)
        let testRows = (0..<n).filter { $0 % 4 == 3 }
        let trainRows = (0..<n).filter { $0 % 4 != 3 }
        var scaled = x
        for i in scaled.elements.indices { scaled.elements[i] /= 16 }
        return LabelledSplit(
            trainFeatures: scaled.selectingRows(trainRows), trainLabels: trainRows.map { y[$0] },
            testFeatures: scaled.selectingRows(testRows), testLabels: testRows.map { y[$0] },
            classNames: (0..<10).map(String.init), featureNames: (0..<64).map { "pixel\($0)" })
    }

    /// A randomly augmented view of a batch of digit images: a shift of up to one pixel in each
    /// direction (zero fill) plus Gaussian pixel noise, clamped to [0, 1].
    ///
    /// - Parameters:
    ///   - images: `[n, 64]` images in [0, 1], row-major 8×8.
    ///   - noise: Standard deviation of the additive noise (pixel units, default 0.1).
    ///   - generator: Source of randomness.
    /// - Returns: `[n, 64]` augmented images.
    public static func augmented(_ images: Matrix<Float>, noise: Float = 0.1, using generator: inout some RandomNumberGenerator) -> Matrix<Float> {
        var result = Matrix<Float>(rows: images.rows, columns: images.columns)
        for i in 0..<images.rows {
            let dx = Int.random(in: -1...1, using: &generator)
            let dy = Int.random(in: -1...1, using: &generator)
            for r in 0..<side {
                for c in 0..<side {
                    let sr = r - dy, sc = c - dx
                    var value: Float = 0
                    if sr >= 0, sr < side, sc >= 0, sc < side { value = images[i, sr * side + sc] }
                    // Box–Muller normal noise.
                    let u1 = Float.random(in: Float.ulpOfOne..<1, using: &generator)
                    let u2 = Float.random(in: 0..<1, using: &generator)
                    value += noise * (-2 * Float.logarithm(u1)).squareRoot() * Float.cosine(2 * Float.pi * u2)
                    result[i, r * side + c] = min(1, max(0, value))
                }
            }
        }
        return result
    }
}
