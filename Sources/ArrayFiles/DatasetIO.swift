import Foundation
public import LinearAlgebra
import Deflate

/// A feature matrix as loaded: float32 data stay float32, everything else becomes float64.
public enum FeatureMatrix: Sendable {
    /// float32 features.
    case float32(Matrix<Float>)
    /// float64 (or integer) features.
    case float64(Matrix<Double>)

    /// Rows.
    public var rows: Int {
        switch self {
        case .float32(let m): return m.rows
        case .float64(let m): return m.rows
        }
    }

    /// Columns.
    public var columns: Int {
        switch self {
        case .float32(let m): return m.columns
        case .float64(let m): return m.columns
        }
    }
}

/// Loading features and labels for the probe: `.npy`, `.npz` (named arrays) and CSV.
public enum DatasetIO {
    /// Loads a feature matrix.
    ///
    /// - `.npy`: a 2-D float32/float64/int array, read straight into memory without an extra
    ///   copy (so a matrix of half the RAM still fits).
    /// - `.npz`: `file.npz:name` picks an array; without a name the archive's only array, or the
    ///   one named `x`, `X` or `features`, is used. Stored and deflated entries, ZIP64.
    /// - `.csv`: a header row and numeric cells; the `labelColumn` column is left out.
    ///
    /// - Parameters:
    ///   - path: File path (with an optional `:name` for `.npz`).
    ///   - labelColumn: The CSV label column to skip.
    /// - Returns: The matrix.
    /// - Throws: `ArrayFileError` naming the file and problem.
    public static func loadFeatures(_ path: String, labelColumn: String = "label") throws(ArrayFileError) -> FeatureMatrix {
        let (file, key) = splitKey(path)
        if file.hasSuffix(".csv") {
            let table = try CSVTable(path: file)
            return .float64(try table.features(excluding: labelColumn))
        }
        let array = try load(file, key: key, defaults: ["x", "X", "features"])
        guard array.shape.count == 2 else { throw .unreadable(path: path, reason: "expected a 2-D feature array, got shape \(array.shape)") }
        switch array.storage {
        case .float32(let v): return .float32(Matrix(rows: array.shape[0], columns: array.shape[1], elements: v))
        case .float64(let v): return .float64(Matrix(rows: array.shape[0], columns: array.shape[1], elements: v))
        default: return .float64(Matrix(rows: array.shape[0], columns: array.shape[1], elements: array.doubles))
        }
    }

    /// Loads integer labels from `.npy`, `.npz` (`:name`, or `y`/`labels`) or a CSV column.
    ///
    /// - Parameters:
    ///   - path: File path.
    ///   - labelColumn: The CSV column holding the labels.
    /// - Returns: The labels.
    /// - Throws: `ArrayFileError`.
    public static func loadLabels(_ path: String, labelColumn: String = "label") throws(ArrayFileError) -> [Int] {
        let (file, key) = splitKey(path)
        if file.hasSuffix(".csv") { return try CSVTable(path: file).labels(column: labelColumn) }
        let array = try load(file, key: key, defaults: ["y", "labels"])
        guard array.shape.count == 1 || (array.shape.count == 2 && array.shape[1] == 1) else {
            throw .unreadable(path: path, reason: "expected a 1-D label array, got shape \(array.shape)")
        }
        do { return try array.integers(path: path) } catch { throw .unreadable(path: path, reason: "labels must be integers (\(error))") }
    }

    private static func splitKey(_ path: String) -> (String, String?) {
        if let range = path.range(of: ".npz:", options: .backwards) {
            return (String(path[..<range.lowerBound]) + ".npz", String(path[range.upperBound...]))
        }
        return (path, nil)
    }

    private static func load(_ file: String, key: String?, defaults: [String]) throws(ArrayFileError) -> NPYArray {
        if file.hasSuffix(".npz") {
            let archive = try NPZArchive(path: file)
            let names = archive.names
            let name: String
            if let key {
                guard names.contains(key) else { throw .unreadable(path: file, reason: "no array '\(key)' in the archive (arrays: \(names.joined(separator: ", ")))") }
                name = key
            } else if names.count == 1 {
                name = names[0]
            } else if let match = defaults.first(where: names.contains) {
                name = match
            } else {
                throw .unreadable(path: file, reason: "several arrays (\(names.joined(separator: ", "))); pick one with \(file):NAME")
            }
            return try archive.array(named: name)
        }
        return try readNPY(file)
    }

    /// Reads an `.npy` file straight into an array of its dtype (one copy of the data in memory).
    static func readNPY(_ path: String) throws(ArrayFileError) -> NPYArray {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot open file" : "no such file")
        }
        defer { try? handle.close() }
        let head: Data
        do { head = try handle.read(upToCount: 1 << 16) ?? Data() } catch { throw .unreadable(path: path, reason: "\(error)") }
        let header: NPYArray.Header
        do { header = try NPYArray.parseHeader(head, path: path) } catch { throw .unreadable(path: path, reason: error.description.replacingOccurrences(of: path + ": ", with: "")) }
        let count = header.shape.reduce(1, *)
        let fd = handle.fileDescriptor
        func read<T>(_: T.Type) throws(ArrayFileError) -> [T] {
            let bytes = count * MemoryLayout<T>.size
            var failure: ArrayFileError?
            let result = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                var done = 0
                while done < bytes, let base = raw.baseAddress {
                    let n = pread(fd, base + done, bytes - done, off_t(header.dataOffset + done))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 {
                        failure = .unreadable(path: path, reason: "data section has \(done) bytes, shape \(header.shape) needs \(bytes); the file is truncated")
                        break
                    }
                    done += n
                }
                initialized = failure == nil ? count : 0
            }
            if let failure { throw failure }
            return result
        }
        let storage: NPYArray.Storage
        switch header.descriptor {
        case "<f4": storage = .float32(try read(Float.self))
        case "<f8": storage = .float64(try read(Double.self))
        case "<i4": storage = .int32(try read(Int32.self))
        default: storage = .int64(try read(Int64.self))
        }
        return NPYArray(shape: header.shape, storage: storage)
    }
}

/// A minimal reader of NumPy `.npz` archives (ZIP, stored or deflated entries, ZIP64).
struct NPZArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let path: String
    let data: Data
    let entries: [Entry]

    var names: [String] { entries.map { $0.name.hasSuffix(".npy") ? String($0.name.dropLast(4)) : $0.name } }

    init(path: String) throws(ArrayFileError) {
        self.path = path
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file")
        }
        let bytes = data
        func u16(_ o: Int) -> Int { Int(bytes[bytes.startIndex + o]) | Int(bytes[bytes.startIndex + o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) -> Int { u32(o) | u32(o + 4) << 32 }
        // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
        var eocd = -1
        var o = bytes.count - 22
        while o >= Swift.max(0, bytes.count - 65_557) {
            if u32(o) == 0x0605_4b50 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw .unreadable(path: path, reason: "not a ZIP/.npz archive (no end of central directory)") }
        var entryCount = u16(eocd + 10)
        var directory = u32(eocd + 16)
        // ZIP64 end of central directory locator just before the EOCD.
        if (directory == 0xFFFF_FFFF || entryCount == 0xFFFF), eocd >= 20, u32(eocd - 20) == 0x0706_4b50 {
            let record = u64(eocd - 12)
            entryCount = u64(record + 32)
            directory = u64(record + 48)
        }
        var entries = [Entry]()
        o = directory
        for _ in 0..<entryCount {
            guard o + 46 <= bytes.count, u32(o) == 0x0201_4b50 else { throw .unreadable(path: path, reason: "damaged ZIP central directory") }
            let method = UInt16(u16(o + 10))
            var compressed = u32(o + 20), size = u32(o + 24)
            let nameLength = u16(o + 28), extraLength = u16(o + 30), commentLength = u16(o + 32)
            var offset = u32(o + 42)
            let name = String(decoding: bytes[(bytes.startIndex + o + 46)..<(bytes.startIndex + o + 46 + nameLength)], as: UTF8.self)
            var e = o + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(e), length = u16(e + 2)
                if id == 0x0001 {
                    var p = e + 4
                    if size == 0xFFFF_FFFF { size = u64(p); p += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = u64(p); p += 8 }
                    if offset == 0xFFFF_FFFF { offset = u64(p) }
                }
                e += 4 + length
            }
            entries.append(Entry(name: name, method: method, compressedSize: compressed, size: size, localHeaderOffset: offset))
            o = extraEnd + commentLength
        }
        self.entries = entries
    }

    func array(named name: String) throws(ArrayFileError) -> NPYArray {
        guard let entry = entries.first(where: { $0.name == name + ".npy" || $0.name == name }) else {
            throw .unreadable(path: path, reason: "no array '\(name)'")
        }
        let o = entry.localHeaderOffset
        let start = data.startIndex
        let nameLength = Int(data[start + o + 26]) | Int(data[start + o + 27]) << 8
        let extraLength = Int(data[start + o + 28]) | Int(data[start + o + 29]) << 8
        let begin = start + o + 30 + nameLength + extraLength
        guard begin + entry.compressedSize <= data.endIndex else { throw .unreadable(path: path, reason: "entry \(entry.name) is truncated") }
        let payload: Data
        switch entry.method {
        case 0: payload = data.subdata(in: begin..<(begin + entry.compressedSize))
        case 8:
            do {
                payload = Data(try data[begin..<(begin + entry.compressedSize)].withUnsafeBytes { (raw) throws(ZlibError) in
                    try Zlib.inflateRaw(raw, expectedSize: entry.size)
                })
            } catch {
                throw .unreadable(path: path, reason: "entry \(entry.name): \(error)")
            }
        default: throw .unreadable(path: path, reason: "entry \(entry.name) uses unsupported compression method \(entry.method)")
        }
        do { return try NPYArray(npyData: payload, path: path + ":" + name) } catch { throw .unreadable(path: path, reason: error.description) }
    }
}

/// A CSV file with a header row (comma-separated, optional double quotes).
struct CSVTable {
    let path: String
    let header: [String]
    let rows: [[String]]

    init(path: String) throws(ArrayFileError) {
        self.path = path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not UTF-8 text" : "no such file")
        }
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map { Self.fields(String($0)) }
        guard !lines.isEmpty else { throw .unreadable(path: path, reason: "empty CSV file") }
        header = lines.removeFirst()
        for (index, row) in lines.enumerated() where row.count != header.count {
            throw .unreadable(path: path, reason: "line \(index + 2) has \(row.count) fields, the header has \(header.count)")
        }
        rows = lines
    }

    static func fields(_ line: String) -> [String] {
        var result = [String]()
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" { quoted = false } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                result.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            } else {
                field.append(c)
            }
        }
        result.append(field.trimmingCharacters(in: .whitespaces))
        return result
    }

    func features(excluding labelColumn: String) throws(ArrayFileError) -> Matrix<Double> {
        let columns = header.indices.filter { header[$0] != labelColumn }
        var values = [Double]()
        values.reserveCapacity(rows.count * columns.count)
        for (r, row) in rows.enumerated() {
            for c in columns {
                guard let value = Double(row[c]) else { throw .nonNumericCell(path: path, line: r + 2, column: header[c], text: row[c]) }
                values.append(value)
            }
        }
        return Matrix(rows: rows.count, columns: columns.count, elements: values)
    }

    func labels(column: String) throws(ArrayFileError) -> [Int] {
        guard let c = header.firstIndex(of: column) else {
            throw .unreadable(path: path, reason: "no label column '\(column)' (columns: \(header.joined(separator: ", ")))")
        }
        var labels = [Int]()
        for (r, row) in rows.enumerated() {
            guard let value = Double(row[c]), value == value.rounded(), let label = Int(exactly: value) else {
                throw .nonNumericCell(path: path, line: r + 2, column: column, text: row[c])
            }
            labels.append(label)
        }
        return labels
    }
}
