import Foundation
import ProcessRuntime
public import LinearAlgebra

/// Errors reading or writing NumPy `.npy` files.
public enum NPYError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// The bytes are not an `.npy` file (bad magic, version or header).
    case malformed(path: String, reason: String)
    /// The element type is not one this package reads.
    case unsupportedDType(path: String, dtype: String)
    /// The array is stored in Fortran (column-major) order.
    case fortranOrder(path: String)
    /// The array does not have the number of dimensions the caller needs.
    case wrongRank(path: String, expected: Int, actual: [Int])
    /// The data section is shorter than the header's shape requires.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// A floating-point array was given where integers are needed, or a value does not fit.
    case notIntegral(path: String, index: Int)
    /// The header's shape has more bytes than any file can hold (the element count or byte
    /// count overflows a 64-bit integer).
    case shapeTooLarge(path: String, shape: [Int])

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): cannot access file: \(reason)"
        case .malformed(let path, let reason): return "\(path): not a valid .npy file: \(reason)"
        case .unsupportedDType(let path, let dtype):
            return "\(path): unsupported dtype '\(dtype)'; save as little-endian float32, float64, int32 or int64 (e.g. np.save(p, a.astype('<f4')))"
        case .fortranOrder(let path):
            return "\(path): array is in Fortran order; save a C-ordered copy (np.save(p, np.ascontiguousarray(a)))"
        case .wrongRank(let path, let expected, let actual):
            return "\(path): expected a \(expected)-D array, got shape \(actual)"
        case .truncated(let path, let expectedBytes, let actualBytes):
            return "\(path): data section has \(actualBytes) bytes, shape needs \(expectedBytes); the file is truncated"
        case .notIntegral(let path, let index):
            return "\(path): element \(index) is not an integer; labels must be integer-valued"
        case .shapeTooLarge(let path, let shape):
            return "\(path): the header declares shape \(shape), more bytes than a file can hold; the header is damaged"
        }
    }
}

/// An n-dimensional array read from or written to NumPy's `.npy` format (versions 1–3).
///
/// Supports little-endian `float32`, `float64`, `int32` and `int64` in C order, which is what
/// `np.save` writes for those dtypes on every common platform. Elements are kept in C
/// (row-major) order.
public struct NPYArray: Sendable, Equatable {
    /// The element storage, by dtype.
    public enum Storage: Sendable, Equatable {
        /// `<f4`.
        case float32([Float])
        /// `<f8`.
        case float64([Double])
        /// `<i4`.
        case int32([Int32])
        /// `<i8`.
        case int64([Int64])
    }

    /// The shape; the product of its entries is the element count (`[]` is a scalar).
    public var shape: [Int]
    /// The elements in C order.
    public var storage: Storage

    /// Creates an array.
    ///
    /// - Parameters:
    ///   - shape: Dimensions; their product must equal the element count.
    ///   - storage: Elements in C order.
    public init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
        precondition(shape.reduce(1, *) == count, "NPYArray shape \(shape) does not match \(count) elements")
    }

    /// The number of elements.
    public var count: Int {
        switch storage {
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        }
    }

    /// NumPy's dtype descriptor for the storage (`<f4`, `<f8`, `<i4`, `<i8`).
    public var dtypeDescriptor: String {
        switch storage {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int32: return "<i4"
        case .int64: return "<i8"
        }
    }

    /// The elements converted to `Double` (exact for every supported dtype but large int64).
    public var doubles: [Double] {
        switch storage {
        case .float32(let v): return v.map(Double.init)
        case .float64(let v): return v
        case .int32(let v): return v.map(Double.init)
        case .int64(let v): return v.map(Double.init)
        }
    }

    /// The elements as integers; floating-point arrays must hold integral values.
    ///
    /// - Parameter path: File name used in the error.
    /// - Returns: The elements as `Int`.
    /// - Throws: `NPYError.notIntegral` for a non-integral or out-of-range value.
    public func integers(path: String = "<array>") throws(NPYError) -> [Int] {
        switch storage {
        case .int32(let v): return v.map(Int.init)
        case .int64(let v): return v.map(Int.init)
        case .float32(let v):
            return try Self.integral(v.map(Double.init), path: path)
        case .float64(let v):
            return try Self.integral(v, path: path)
        }
    }

    private static func integral(_ values: [Double], path: String) throws(NPYError) -> [Int] {
        var result = [Int]()
        result.reserveCapacity(values.count)
        for (i, value) in values.enumerated() {
            guard value.rounded() == value, let exact = Int(exactly: value) else {
                throw .notIntegral(path: path, index: i)
            }
            result.append(exact)
        }
        return result
    }

    /// The array as a row-major matrix of the requested precision.
    ///
    /// A 2-D array `[n, d]` maps directly; a 1-D array `[n]` becomes `[n, 1]`.
    ///
    /// - Parameter path: File name used in the error.
    /// - Returns: The `[n, d]` matrix.
    /// - Throws: `NPYError.wrongRank` for other ranks.
    public func matrix<Scalar: BLASScalar>(of _: Scalar.Type = Scalar.self, path: String = "<array>")
        throws(NPYError) -> Matrix<Scalar>
    {
        let (rows, columns): (Int, Int)
        switch shape.count {
        case 1: (rows, columns) = (shape[0], 1)
        case 2: (rows, columns) = (shape[0], shape[1])
        default: throw .wrongRank(path: path, expected: 2, actual: shape)
        }
        let elements: [Scalar]
        switch storage {
        case .float32(let v): elements = (v as? [Scalar]) ?? v.map { Scalar($0) }
        case .float64(let v): elements = (v as? [Scalar]) ?? v.map { Scalar($0) }
        case .int32(let v): elements = v.map { Scalar($0) }
        case .int64(let v): elements = v.map { Scalar($0) }
        }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }
}

extension NPYArray {
    /// The six magic bytes that open every `.npy` file (`\x93NUMPY`), from NumPy's format spec
    /// (`numpy/lib/format.py`, "NEP 1").
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Reads an `.npy` file.
    ///
    /// - Parameter path: File path.
    /// - Throws: `NPYError` naming the file and the problem.
    public init(contentsOfFile path: String) throws(NPYError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .io(path: path, reason: Self.fileErrorReason(error))
        }
        try self.init(npyData: data, path: path)
    }

    /// Parses the bytes of an `.npy` file.
    ///
    /// - Parameters:
    ///   - data: The whole file.
    ///   - path: Name used in errors.
    /// - Throws: `NPYError` naming the problem.
    public init(npyData data: Data, path: String = "<data>") throws(NPYError) {
        let header = try Self.parseHeader(data, path: path)
        let needed = header.byteCount
        let available = data.count - header.dataOffset
        guard available >= needed else {
            throw .truncated(path: path, expectedBytes: needed, actualBytes: max(0, available))
        }
        let body = data.subdata(in: (data.startIndex + header.dataOffset)..<(data.startIndex + header.dataOffset + needed))
        func load<T>(_: T.Type) -> [T] {
            body.withUnsafeBytes { raw in
                Array(UnsafeRawBufferPointer(rebasing: raw[0..<needed]).bindMemory(to: T.self))
            }
        }
        let storage: Storage
        switch header.descriptor {
        case "<f4": storage = .float32(load(Float.self))
        case "<f8": storage = .float64(load(Double.self))
        case "<i4": storage = .int32(load(Int32.self))
        case "<i8": storage = .int64(load(Int64.self))
        default: throw .unsupportedDType(path: path, dtype: header.descriptor)
        }
        self.init(shape: header.shape, storage: storage)
    }

    /// The parsed header of an `.npy` file.
    public struct Header: Sendable, Equatable {
        /// dtype descriptor, e.g. `<f4`.
        public var descriptor: String
        /// Array shape.
        public var shape: [Int]
        /// Byte offset of the first element.
        public var dataOffset: Int
        /// Number of elements, the product of `shape` (checked: it fits in `Int`).
        public var elementCount: Int
        /// Bytes of the data section, `elementCount` times the element width (checked).
        public var byteCount: Int
    }

    /// Parses and validates the header of an `.npy` file (used by memory-mapped readers too).
    ///
    /// - Parameters:
    ///   - data: At least the header bytes of the file.
    ///   - path: Name used in errors.
    /// - Returns: The header; only C-order arrays of the supported dtypes pass.
    /// - Throws: `NPYError` naming the problem.
    public static func parseHeader(_ data: Data, path: String) throws(NPYError) -> Header {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw .malformed(path: path, reason: "missing the \\x93NUMPY magic bytes")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw .malformed(path: path, reason: "header is cut short") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw .malformed(path: path, reason: "unknown format version \(major)")
        }
        guard data.count >= headerStart + headerLength else {
            throw .malformed(path: path, reason: "header is cut short")
        }
        let headerBytes = data.subdata(in: (data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength))
        guard let text = String(data: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw .malformed(path: path, reason: "header is not text")
        }
        guard let descr = Self.value(of: "descr", in: text), let order = Self.value(of: "fortran_order", in: text),
            let shapeText = Self.value(of: "shape", in: text)
        else {
            throw .malformed(path: path, reason: "header lacks descr, fortran_order or shape")
        }
        let descriptor = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        let normalized = descriptor == "|i1" ? descriptor : descriptor.replacingOccurrences(of: "=", with: "<")
        guard ["<f4", "<f8", "<i4", "<i8"].contains(normalized) else {
            throw .unsupportedDType(path: path, dtype: descriptor)
        }
        if order.trimmingCharacters(in: .whitespaces) == "True" { throw .fortranOrder(path: path) }
        var shape = [Int]()
        for part in shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let dimension = Int(trimmed), dimension >= 0 else {
                throw .malformed(path: path, reason: "bad shape entry '\(trimmed)'")
            }
            shape.append(dimension)
        }
        // Checked arithmetic: a damaged or hostile header must not overflow the sizes.
        var elementCount = 1
        for dimension in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .shapeTooLarge(path: path, shape: shape) }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: normalized.hasSuffix("8") ? 8 : 4)
        guard !overflow, byteCount <= Int.max - (headerStart + headerLength) else { throw .shapeTooLarge(path: path, shape: shape) }
        return Header(
            descriptor: normalized, shape: shape, dataOffset: headerStart + headerLength, elementCount: elementCount, byteCount: byteCount)
    }

    /// Extracts the raw text of `'key': value` from the header's Python dict literal.
    private static func value(of key: String, in text: String) -> String? {
        guard let keyRange = text.range(of: "'\(key)':") ?? text.range(of: "\"\(key)\":") else { return nil }
        let rest = text[keyRange.upperBound...].drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[rest.startIndex...close])
        }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return String(rest[rest.startIndex..<end])
    }

    /// The `.npy` (version 1.0) encoding of the array, as `np.save` writes it.
    public var npyData: Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(dtypeDescriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so that magic + version + length + header + "\n" is a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(Self.magic)
        data.append(contentsOf: [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        switch storage {
        case .float32(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
        case .float64(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
        case .int32(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
        case .int64(let v): v.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes the array as an `.npy` file, replacing any existing file atomically.
    ///
    /// - Parameter path: Destination path.
    /// - Throws: `NPYError.io` when the file cannot be written.
    public func write(toFile path: String) throws(NPYError) {
        do {
            try npyData.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(path: path, reason: Self.fileErrorReason(error))
        }
    }

    /// The `errno` text of a failed Foundation file operation (`No such file or directory`,
    /// `Is a directory`, ...), never Foundation's raw `NSCocoaErrorDomain` text.
    package static func fileErrorReason(_ error: any Error) -> String {
        SystemCallText.describe(fileError: error)
    }
}
