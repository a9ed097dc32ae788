import CProtobufC
import Foundation

/// Scoped C memory for building protobuf-c messages from Swift values.
///
/// Every allocation made through an arena is freed when the arena's `withArena` scope ends, so
/// message trees built for one `pack` call never leak and never escape.
final class ProtobufArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    private init() {}

    /// Runs `body` with a fresh arena and frees everything it allocated afterwards.
    static func withArena<T>(_ body: (ProtobufArena) throws -> T) rethrows -> T {
        let arena = ProtobufArena()
        defer { arena.freeAll() }
        return try body(arena)
    }

    private func freeAll() {
        for pointer in allocations { free(pointer) }
        allocations.removeAll()
    }

    /// Zeroed storage for `count` values of `T`, released with the arena.
    func allocate<T>(_: T.Type, count: Int = 1) -> UnsafeMutablePointer<T> {
        let bytes = max(1, count * MemoryLayout<T>.stride)
        guard let raw = calloc(1, bytes) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
        allocations.append(raw)
        return raw.bindMemory(to: T.self, capacity: max(1, count))
    }

    /// A NUL-terminated UTF-8 copy of `string` (protobuf-c `char *` fields).
    func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(string.utf8)
        let pointer = allocate(CChar.self, count: utf8.count + 1)
        utf8.withUnsafeBytes { source in
            UnsafeMutableRawPointer(pointer).copyMemory(from: source.baseAddress ?? UnsafeRawPointer(pointer), byteCount: utf8.count)
        }
        pointer[utf8.count] = 0
        return pointer
    }

    /// A `ProtobufCBinaryData` holding a copy of `bytes` (protobuf-c `bytes` fields).
    func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        let pointer = allocate(UInt8.self, count: bytes.count)
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: bytes.count) }
        }
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A C array holding a copy of `values` (protobuf-c repeated scalar fields).
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let pointer = allocate(T.self, count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
        }
        return pointer
    }
}

/// Swift `String` from a protobuf-c `char *` (NULL or empty → "").
func swiftString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
}

/// Swift bytes from a `ProtobufCBinaryData`.
func swiftBytes(_ data: ProtobufCBinaryData) -> [UInt8] {
    guard data.len > 0, let base = data.data else { return [] }
    return Array(UnsafeBufferPointer(start: base, count: data.len))
}

/// Swift array from a protobuf-c repeated field.
func swiftArray<T>(_ pointer: UnsafeMutablePointer<T>?, _ count: Int) -> [T] {
    guard count > 0, let pointer else { return [] }
    return Array(UnsafeBufferPointer(start: pointer, count: count))
}
