import Foundation
import LinearAlgebra
import ProcessRuntime

/// The diamonds data set (`data/diamonds.csv`, 53,940 rows) prepared for ordinal classification.
///
/// Target: `cut`, ordered Fair (0) < Good (1) < Very Good (2) < Premium (3) < Ideal (4).
/// Features (22): carat, depth, table, price, x, y, z, then one-hot color (D, E, F, G, H, I, J)
/// and clarity (I1, SI2, SI1, VS2, VS1, VVS2, VVS1, IF), the layout of docs/reference/linear-probe.md, "Reference figures".
/// Split (fixed, documented): row `i` (0-based, header excluded) is a test row when `i % 4 == 3`,
/// otherwise a training row: 40,455 train / 13,485 test. Every feature column is standardised
/// with the training rows' mean and standard deviation (ddof 0; a constant column gets scale 1),
/// as scikit-learn's `StandardScaler` does.
public enum Diamonds {
    /// Ordinal class names of `cut`, in order.
    public static let cutLevels = ["Fair", "Good", "Very Good", "Premium", "Ideal"]
    /// Category levels of `color`, in one-hot column order.
    public static let colorLevels = ["D", "E", "F", "G", "H", "I", "J"]
    /// Category levels of `clarity`, in one-hot column order (worst to best).
    public static let clarityLevels = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]

    /// Loads and prepares the data set.
    ///
    /// - Parameters:
    ///   - path: Path of `diamonds.csv` (header `carat,cut,color,clarity,depth,table,price,x,y,z`).
    ///   - limit: Use only the first `limit` rows (for quick tests); `nil` for all.
    /// - Returns: The standardised split.
    /// - Throws: `DatasetError` naming the file and line of a problem.
    public static func load(path: String, limit: Int? = nil) throws(DatasetError) -> LabelledSplit {
        let (features, labels) = try loadUnsplit(path: path, limit: limit)
        let testRows = (0..<labels.count).filter { $0 % 4 == 3 }
        let trainRows = (0..<labels.count).filter { $0 % 4 != 3 }
        var train = features.selectingRows(trainRows).converted(to: Float.self)
        var test = features.selectingRows(testRows).converted(to: Float.self)
        standardize(train: &train, test: &test)
        return LabelledSplit(
            trainFeatures: train, trainLabels: trainRows.map { labels[$0] }, testFeatures: test, testLabels: testRows.map { labels[$0] },
            classNames: cutLevels, featureNames: featureNames)
    }

    /// Feature names in column order.
    public static let featureNames = ["carat", "depth", "table", "price", "x", "y", "z"] + colorLevels.map { "color=\($0)" } + clarityLevels.map { "clarity=\($0)" }

    /// All rows, unsplit and unstandardised: `[n, 22]` Double features and `cut` labels 0…4.
    ///
    /// - Parameters:
    ///   - path: Path of `diamonds.csv`.
    ///   - limit: Use only the first `limit` rows; `nil` for all.
    /// - Returns: Features and labels in file order.
    /// - Throws: `DatasetError` naming the file and line of a problem.
    public static func loadUnsplit(path: String, limit: Int? = nil) throws(DatasetError) -> (Matrix<Double>, [Int]) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: SystemCallText.describe(fileError: error))
        }
        var lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first, header == "carat,cut,color,clarity,depth,table,price,x,y,z" else {
            throw .malformedLine(path: path, line: 1, reason: "expected header carat,cut,color,clarity,depth,table,price,x,y,z")
        }
        lines.removeFirst()
        if let limit { lines = Array(lines.prefix(limit)) }
        let width = 7 + colorLevels.count + clarityLevels.count
        var values = [Double]()
        var labels = [Int]()
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let lineNumber = index + 2
            guard fields.count == 10 else {
                throw .malformedLine(path: path, line: lineNumber, reason: "expected 10 fields, found \(fields.count)")
            }
            guard let cut = cutLevels.firstIndex(of: fields[1]) else {
                throw .malformedLine(path: path, line: lineNumber, reason: "unknown cut '\(fields[1])'")
            }
            guard let color = colorLevels.firstIndex(of: fields[2]), let clarity = clarityLevels.firstIndex(of: fields[3]) else {
                throw .malformedLine(path: path, line: lineNumber, reason: "unknown color '\(fields[2])' or clarity '\(fields[3])'")
            }
            var row = [Double](repeating: 0, count: width)
            for (column, field) in [0, 4, 5, 6, 7, 8, 9].enumerated() {
                guard let value = Double(fields[field]), value.isFinite else {
                    throw .malformedLine(path: path, line: lineNumber, reason: "non-numeric value '\(fields[field])'")
                }
                row[column] = value
            }
            row[7 + color] = 1
            row[7 + colorLevels.count + clarity] = 1
            values += row
            labels.append(cut)
        }
        return (Matrix(rows: labels.count, columns: width, elements: values), labels)
    }
}

/// Standardises the columns of both matrices with the training matrix's statistics.
///
/// Mean and standard deviation (ddof 0) are computed in Double over the rows of `train`; a
/// column whose deviation is 0 is only centred (scale 1), as scikit-learn's `StandardScaler`.
///
/// - Parameters:
///   - train: `[nTrain, d]`, standardised in place.
///   - test: `[nTest, d]`, standardised in place with the training statistics.
func standardize(train: inout Matrix<Float>, test: inout Matrix<Float>) {
    let d = train.columns
    precondition(test.columns == d, "standardize: train has \(d) columns, test \(test.columns)")
    guard train.rows > 0 else { return }
    for j in 0..<d {
        var mean = 0.0
        for i in 0..<train.rows { mean += Double(train[i, j]) }
        mean /= Double(train.rows)
        var variance = 0.0
        for i in 0..<train.rows { variance += (Double(train[i, j]) - mean) * (Double(train[i, j]) - mean) }
        let deviation = (variance / Double(train.rows)).squareRoot()
        let scale = deviation > 0 ? deviation : 1
        for i in 0..<train.rows { train[i, j] = Float((Double(train[i, j]) - mean) / scale) }
        for i in 0..<test.rows { test[i, j] = Float((Double(test[i, j]) - mean) / scale) }
    }
}
