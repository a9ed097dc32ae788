/// Why a tensor's shape cannot be used as stored.
public enum TensorShapeError: Error, Equatable, CustomStringConvertible {
    /// A dimension is negative (an unknown size, which a stored tensor cannot have).
    case negativeDimension(shape: [Int64])
    /// The product of the dimensions does not fit in a 64-bit signed count.
    case elementCountOverflow(shape: [Int64])
    /// The shape asks for more elements than the tensor stores, more than a stored value may
    /// be repeated to fill (`TensorValue.maximumExpandedElementCount`).
    case exceedsStoredElements(shape: [Int64], elementCount: Int, storedCount: Int)

    /// One line saying what is wrong with the shape.
    public var description: String {
        switch self {
        case .negativeDimension(let shape):
            return "tensor_shape \(shape) has a negative dimension"
        case .elementCountOverflow(let shape):
            return "tensor_shape \(shape) has more elements than a 64-bit count holds"
        case .exceedsStoredElements(let shape, let count, let stored):
            return "tensor_shape \(shape) asks for \(count) elements but the tensor stores \(stored)"
                + " (stored values are repeated to fill a shape of at most \(TensorValue.maximumExpandedElementCount) elements)"
        }
    }
}

extension TensorValue {
    /// Largest element count a tensor may reach by repeating its stored values (2^22 elements,
    /// 32 MiB as `Double`).
    ///
    /// TensorFlow's `make_ndarray` fills a shape larger than the stored list by repeating the
    /// last stored value; `numericValues` does the same for a single stored value. A shape that
    /// would need more than this many elements beyond the stored ones is rejected, so a few
    /// bytes of shape cannot ask for terabytes.
    public static let maximumExpandedElementCount = 1 << 22

    /// Number of elements implied by the shape (1 for a scalar), or 0 when the shape is
    /// invalid (a negative dimension, or a product beyond `Int.max`; see
    /// `checkedElementCount()`, which says why).
    public var elementCount: Int { (try? checkedElementCount()) ?? 0 }

    /// The product of the dimensions, computed with overflow checks.
    ///
    /// - Returns: The element count (1 for the scalar shape `[]`).
    /// - Throws: `TensorShapeError.negativeDimension` or `.elementCountOverflow`.
    public func checkedElementCount() throws(TensorShapeError) -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { throw .negativeDimension(shape: shape) }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dimension))
            guard !overflow else { throw .elementCountOverflow(shape: shape) }
            count = product
        }
        return count
    }

    /// Number of elements actually stored: the typed list's length, or `tensor_content`'s
    /// byte count divided by the element size (`nil` for content of an unknown data type).
    public var storedElementCount: Int? {
        switch storage {
        case .floats(let v): return v.count
        case .doubles(let v): return v.count
        case .int32s(let v): return v.count
        case .int64s(let v): return v.count
        case .bools(let v): return v.count
        case .halves(let v): return v.count
        case .strings(let v): return v.count
        case .empty: return 0
        case .content(let bytes):
            guard let size = Self.elementSize(of: dataType) else { return nil }
            return bytes.count / size
        }
    }

    /// Bytes per element of `tensor_content` for the numeric data types read here.
    static func elementSize(of dataType: Int32) -> Int? {
        switch dataType {
        case float, int32: return 4
        case double, int64: return 8
        case uint8, int8, bool: return 1
        case int16, half, bfloat16: return 2
        default: return nil
        }
    }

    /// Checks that the shape is usable with what the tensor stores, before anything is
    /// allocated from it.
    ///
    /// Valid: every dimension ≥ 0, a product that fits in `Int`, and no more elements than are
    /// stored unless the shape stays within `maximumExpandedElementCount`. O(rank).
    ///
    /// - Throws: `TensorShapeError`.
    public func validateShape() throws(TensorShapeError) {
        let count = try checkedElementCount()
        let stored = storedElementCount ?? count
        if count > stored, count > Self.maximumExpandedElementCount {
            throw .exceedsStoredElements(shape: shape, elementCount: count, storedCount: stored)
        }
    }
}
