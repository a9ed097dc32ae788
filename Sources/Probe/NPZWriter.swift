import Foundation
public import Numerics
import TensorBoard

/// Writes NumPy `.npz` archives: a ZIP file of `.npy` entries, stored (uncompressed), as
/// `numpy.savez` writes them; `numpy.load` and `DatasetIO` read them.
public enum NPZWriter {
    /// The archive's bytes.
    ///
    /// - Parameter arrays: (name, array) pairs; each becomes the entry `name.npy`.
    /// - Returns: The ZIP bytes (local headers, data, central directory, end record; CRC-32 of
    ///   each entry; DOS time 1980-01-01 00:00).
    /// - Throws: `ProbeError.invalidOption` when an entry or the archive reaches 4 GiB (ZIP64 is
    ///   not written).
    public static func archive(_ arrays: [(name: String, array: NPYArray)]) throws(ProbeError) -> Data {
        var data = Data()
        var directory = Data()
        func le16(_ v: Int, into d: inout Data) { d.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)]) }
        func le32(_ v: Int, into d: inout Data) { le16(v & 0xFFFF, into: &d); le16((v >> 16) & 0xFFFF, into: &d) }
        for (name, array) in arrays {
            let payload = array.npyData
            let entryName = Array((name + ".npy").utf8)
            let offset = data.count
            guard payload.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF else {
                throw .invalidOption("array '\(name)' does not fit an .npz archive without ZIP64 (4 GiB)")
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
        guard directoryOffset < 0xFFFF_FFFF, arrays.count < 0xFFFF else { throw .invalidOption("the .npz archive would exceed 4 GiB") }
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
    /// - Throws: `ProbeError.unreadable` naming the path when it cannot be written.
    public static func write(_ arrays: [(name: String, array: NPYArray)], toFile path: String) throws(ProbeError) {
        let bytes = try archive(arrays)
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
