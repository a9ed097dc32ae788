import Deflate
public import Foundation

/// Writes NumPy `.npz` archives: a ZIP file of `.npy` entries, stored (uncompressed), as
/// `numpy.savez` writes them; `numpy.load` and `DatasetIO` read them.
public enum NPZWriter {
    /// The archive's bytes.
    ///
    /// - Parameter arrays: (name, array) pairs; each becomes the entry `name.npy`.
    /// - Returns: The ZIP bytes (local headers, data, central directory, end record; CRC-32 of
    ///   each entry; DOS time 1980-01-01 00:00).
    /// - Throws: `ArrayFileError.unwritable` when an entry or the archive reaches 4 GiB (ZIP64
    ///   is not written).
    public static func archive(_ arrays: [(name: String, array: NPYArray)]) throws(ArrayFileError) -> Data {
        var data = Data()
        var directory = Data()
        func le16(_ v: Int, into d: inout Data) { d.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)]) }
        func le32(_ v: Int, into d: inout Data) { le16(v & 0xFFFF, into: &d); le16((v >> 16) & 0xFFFF, into: &d) }
        for (name, array) in arrays {
            let payload = array.npyData
            let entryName = Array((name + ".npy").utf8)
            let offset = data.count
            guard payload.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF else {
                throw .unwritable(path: "<archive>", reason: "array '\(name)' does not fit an .npz archive without ZIP64 (4 GiB)")
            }
            let crc = Int(payload.withUnsafeBytes { Zlib.crc32($0) })
            // Local file header: version 2.0, no flags, method 0 (stored), DOS time and date 0:00 1980-01-01.
            var header = Data()
            le32(0x0403_4b50, into: &header)
            for v in [20, 0, 0, 0, 0x21] { le16(v, into: &header) }
            le32(crc, into: &header)
            le32(payload.count, into: &header)
            le32(payload.count, into: &header)
            le16(entryName.count, into: &header)
            le16(0, into: &header)
            data.append(header)
            data.append(contentsOf: entryName)
            data.append(payload)
            // Central directory entry.
            le32(0x0201_4b50, into: &directory)
            for v in [20, 20, 0, 0, 0, 0x21] { le16(v, into: &directory) }
            le32(crc, into: &directory)
            le32(payload.count, into: &directory)
            le32(payload.count, into: &directory)
            for v in [entryName.count, 0, 0, 0, 0] { le16(v, into: &directory) }
            le32(0, into: &directory)
            le32(offset, into: &directory)
            directory.append(contentsOf: entryName)
        }
        let directoryOffset = data.count
        guard directoryOffset < 0xFFFF_FFFF, arrays.count < 0xFFFF else { throw .unwritable(path: "<archive>", reason: "the .npz archive would exceed 4 GiB (ZIP64 is not written)") }
        data.append(directory)
        le32(0x0605_4b50, into: &data)
        for v in [0, 0, arrays.count, arrays.count] { le16(v, into: &data) }
        le32(directory.count, into: &data)
        le32(directoryOffset, into: &data)
        le16(0, into: &data)
        return data
    }

    /// Writes an archive, replacing `path` atomically (an existing file is intact until the new
    /// one is complete).
    ///
    /// - Parameters:
    ///   - arrays: (name, array) pairs.
    ///   - path: Destination.
    /// - Throws: `ArrayFileError.unwritable` naming the path.
    public static func write(_ arrays: [(name: String, array: NPYArray)], toFile path: String) throws(ArrayFileError) {
        let bytes: Data
        do { bytes = try archive(arrays) } catch { throw .unwritable(path: path, reason: error.reason) }
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// Reading named arrays of an `.npz` archive (stored or deflated entries, ZIP64), e.g. a saved
/// probe. Feature and label files go through `DatasetIO` instead.
public struct NPZFile: Sendable {
    private let archive: NPZArchive

    /// Opens an archive (mapped, not read whole).
    ///
    /// - Throws: `ArrayFileError.unreadable` naming the file.
    public init(path: String) throws(ArrayFileError) {
        archive = try NPZArchive(path: path)
    }

    /// The arrays' names (entry names without `.npy`).
    public var names: [String] { archive.names }

    /// One array.
    ///
    /// - Throws: `ArrayFileError.unreadable` for a missing or damaged entry.
    public func array(named name: String) throws(ArrayFileError) -> NPYArray {
        try archive.array(named: name)
    }
}
