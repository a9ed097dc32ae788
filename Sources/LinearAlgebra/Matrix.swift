/// A dense row-major matrix of `Float` or `Double`.
///
/// Element `(i, j)` of an `[rows, columns]` matrix sits at `elements[i * columns + j]`; row `i`
/// starts at offset `i * columns`. A matrix with zero rows or zero columns is valid. This is the
/// one matrix type of the package: losses, the probe and the training substrate all use it, and
/// every product goes through the BLAS wrappers in `Matrix+BLAS.swift`.
public struct Matrix<Scalar: BLASScalar>: Sendable, Equatable {
    /// Number of rows (`n`).
    public let rows: Int
    /// Number of columns (`d`).
    public let columns: Int
    /// The `rows * columns` elements in row-major order.
    public var elements: [Scalar]

    /// Creates a matrix filled with one value.
    ///
    /// - Parameters:
    ///   - rows: Number of rows, ≥ 0.
    ///   - columns: Number of columns, ≥ 0.
    ///   - value: Fill value (default 0).
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape [\(rows), \(columns)] is negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// Creates a matrix whose elements are all written by `initialize` (no zero fill first).
    ///
    /// For the large results of the kernels (N×N similarity and gradient matrices), where the
    /// zero fill would be a pass over memory that is immediately overwritten.
    ///
    /// - Parameters:
    ///   - rows: Number of rows, ≥ 0.
    ///   - columns: Number of columns, ≥ 0.
    ///   - initialize: Must write every one of the `rows * columns` elements of the buffer
    ///     (a BLAS product with β = 0 does).
    @inlinable
    public init<E: Error>(rows: Int, columns: Int, initializingEveryElementWith initialize: (UnsafeMutableBufferPointer<Scalar>) throws(E) -> Void) throws(E) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape [\(rows), \(columns)] is negative")
        self.rows = rows
        self.columns = columns
        var failure: E? = nil
        self.elements = Array(unsafeUninitializedCapacity: rows * columns) { buffer, count in
            do throws(E) {
                try initialize(buffer)
                count = rows * columns
            } catch {
                // Elements may be partly written: keep them initialised before giving up.
                buffer.initialize(repeating: 0)
                count = rows * columns
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Creates a matrix from row-major elements.
    ///
    /// - Parameters:
    ///   - rows: Number of rows, ≥ 0.
    ///   - columns: Number of columns, ≥ 0.
    ///   - elements: Exactly `rows * columns` values, row-major.
    @inlinable
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(
            rows >= 0 && columns >= 0 && elements.count == rows * columns,
            "Matrix shape [\(rows), \(columns)] needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Creates a matrix from an array of equally long rows.
    ///
    /// - Parameter rowArrays: `n` rows of `d` values each (`d` = 0 when `n` = 0).
    public init(rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(
            rowArrays.allSatisfy { $0.count == columns }, "Matrix rows have different lengths")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// The element at `(row, column)`.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// The elements of row `i` (a slice of `elements`, indices `i*columns ..< (i+1)*columns`).
    ///
    /// - Parameter i: Row index in `0 ..< rows`.
    /// - Returns: The row's `columns` values.
    @inlinable
    public func row(_ i: Int) -> ArraySlice<Scalar> {
        elements[(i * columns)..<((i + 1) * columns)]
    }

    /// The rows as an array of arrays (for printing and JSON output).
    public var rowArrays: [[Scalar]] {
        (0..<rows).map { Array(row($0)) }
    }

    /// The transpose, a `[columns, rows]` matrix (32 × 32 tiles, for cache locality).
    @inlinable
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        let (m, n) = (rows, columns)
        elements.withUnsafeBufferPointer { source in
            result.elements.withUnsafeMutableBufferPointer { target in
                for i0 in Swift.stride(from: 0, to: m, by: 32) {
                    for j0 in Swift.stride(from: 0, to: n, by: 32) {
                        for i in i0..<Swift.min(i0 + 32, m) {
                            for j in j0..<Swift.min(j0 + 32, n) { target[j * m + i] = source[i * n + j] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The matrix converted element-wise to another precision.
    ///
    /// - Returns: A matrix of the same shape with each element converted by `T(_:)`.
    @inlinable
    public func converted<T: BLASScalar>(to _: T.Type = T.self) -> Matrix<T> {
        Matrix<T>(rows: rows, columns: columns, elements: elements.map { T($0) })
    }

    /// The rows at the given indices, in that order (a gather).
    ///
    /// - Parameter indices: Row indices in `0 ..< rows`; repeats allowed.
    /// - Returns: A `[indices.count, columns]` matrix.
    public func selectingRows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        var result = [Scalar]()
        result.reserveCapacity(indices.count * columns)
        for i in indices { result.append(contentsOf: row(i)) }
        return Matrix(rows: indices.count, columns: columns, elements: result)
    }
}
