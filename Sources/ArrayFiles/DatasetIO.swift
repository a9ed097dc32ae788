import Foundation
import ProcessRuntime
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

    /// Loads one labelled split: its features, and its labels from `labels` or, when that is
    /// `nil`, from the label column of the CSV feature file.
    ///
    /// - Parameters:
    ///   - features: Feature file (as `loadFeatures`).
    ///   - labels: Label file (as `loadLabels`), or `nil` for the CSV feature file's column.
    ///   - labelColumn: The CSV label column.
    /// - Returns: The `[n, d]` features and their `n` labels (the counts are checked by the probes).
    /// - Throws: `ArrayFileError`.
    public static func loadSplit(features: String, labels: String?, labelColumn: String = "label") throws(ArrayFileError) -> (features: FeatureMatrix, labels: [Int]) {
        let matrix = try loadFeatures(features, labelColumn: labelColumn)
        return (matrix, try loadLabels(labels ?? features, labelColumn: labelColumn))
    }

    /// Why a split's labels cannot be found, or `nil`: labels must be given unless the features
    /// are a CSV file (whose `labelColumn` holds them).
    ///
    /// - Parameters:
    ///   - option: The command-line option that names the labels, for the message.
    ///   - features: The feature file.
    ///   - labels: The label file, if given.
    ///   - labelColumn: The CSV label column.
    public static func missingLabels(option: String, features: String, labels: String?, labelColumn: String) -> String? {
        labels == nil && !features.hasSuffix(".csv") ? "\(option) is required unless the features are a CSV file with a '\(labelColumn)' column" : nil
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
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: NPYArray.fileErrorReason(error))
        }
        defer { try? handle.close() }
        let head: Data
        do { head = try handle.read(upToCount: 1 << 16) ?? Data() } catch { throw .unreadable(path: path, reason: NPYArray.fileErrorReason(error)) }
        let header: NPYArray.Header
        do { header = try NPYArray.parseHeader(head, path: path) } catch { throw .unreadable(path: path, reason: error.description.replacingOccurrences(of: path + ": ", with: "")) }
        let count = header.elementCount
        let fd = handle.fileDescriptor
        // The shape is checked against the file's size before anything is allocated.
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .unreadable(path: path, reason: SystemCallText.describe(errno: errno)) }
        let available = Swift.max(0, Int(status.st_size) - header.dataOffset)
        guard available >= header.byteCount else {
            throw .unreadable(path: path, reason: "data section has \(available) bytes, shape \(header.shape) needs \(header.byteCount); the file is truncated")
        }
        func read<T>(_: T.Type) throws(ArrayFileError) -> [T] {
            let bytes = header.byteCount
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
            throw .unreadable(path: path, reason: NPYArray.fileErrorReason(error))
        }
        let bytes = ZipBytes(data: data, path: path)
        // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
        var eocd = -1
        var o = bytes.count - 22
        while o >= Swift.max(0, bytes.count - 65_557) {
            if try bytes.u32(o) == 0x0605_4b50 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw .unreadable(path: path, reason: "not a ZIP/.npz archive (no end of central directory)") }
        var entryCount = try bytes.u16(eocd + 10)
        var directory = try bytes.u32(eocd + 16)
        // ZIP64 end of central directory locator just before the EOCD.
        if directory == 0xFFFF_FFFF || entryCount == 0xFFFF, eocd >= 20, try bytes.u32(eocd - 20) == 0x0706_4b50 {
            let record = try bytes.offset(bytes.u64(eocd - 12), "ZIP64 end of central directory")
            entryCount = try bytes.u64(record + 32)
            directory = try bytes.u64(record + 48)
        }
        // Each central-directory entry takes at least 46 bytes: a count the file cannot hold
        // is damage, not a reason to loop or allocate.
        guard entryCount <= bytes.count / 46 else {
            throw .unreadable(path: path, reason: "damaged ZIP central directory (\(entryCount) entries in \(bytes.count) bytes)")
        }
        var entries = [Entry]()
        o = try bytes.offset(directory, "central directory")
        for _ in 0..<entryCount {
            guard o <= bytes.count - 46, try bytes.u32(o) == 0x0201_4b50 else { throw .unreadable(path: path, reason: "damaged ZIP central directory") }
            let method = UInt16(try bytes.u16(o + 10))
            var compressed = try bytes.u32(o + 20), size = try bytes.u32(o + 24)
            let nameLength = try bytes.u16(o + 28), extraLength = try bytes.u16(o + 30), commentLength = try bytes.u16(o + 32)
            var offset = try bytes.u32(o + 42)
            let name = String(decoding: try bytes.slice(o + 46, nameLength), as: UTF8.self)
            var e = o + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = try bytes.u16(e), length = try bytes.u16(e + 2)
                if id == 0x0001 {
                    var p = e + 4
                    if size == 0xFFFF_FFFF { size = try bytes.u64(p); p += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try bytes.u64(p); p += 8 }
                    if offset == 0xFFFF_FFFF { offset = try bytes.u64(p) }
                }
                e += 4 + length
            }
            entries.append(Entry(name: name, method: method, compressedSize: compressed, size: size, localHeaderOffset: offset))
            o = extraEnd + commentLength
        }
        self.entries = entries
    }

    /// Reads one array. Every offset and size in the archive is checked against the archive's
    /// length before use, and an entry's announced size against what its compressed bytes can
    /// inflate to (`Zlib.maximumInflationRatio`), before anything is allocated.
    func array(named name: String) throws(ArrayFileError) -> NPYArray {
        guard let entry = entries.first(where: { $0.name == name + ".npy" || $0.name == name }) else {
            throw .unreadable(path: path, reason: "no array '\(name)'")
        }
        let bytes = ZipBytes(data: data, path: path)
        let o = try bytes.offset(entry.localHeaderOffset, "local header of \(entry.name)")
        guard o <= bytes.count - 30, try bytes.u32(o) == 0x0403_4b50 else {
            throw .unreadable(path: path, reason: "entry \(entry.name): damaged local header at byte offset \(o)")
        }
        let nameLength = try bytes.u16(o + 26)
        let extraLength = try bytes.u16(o + 28)
        let begin = o + 30 + nameLength + extraLength
        guard entry.compressedSize >= 0, begin <= bytes.count, entry.compressedSize <= bytes.count - begin else {
            throw .unreadable(path: path, reason: "entry \(entry.name) is truncated (\(entry.compressedSize) compressed bytes announced past the end of the archive)")
        }
        let payload: Data
        switch entry.method {
        case 0:
            guard entry.size == entry.compressedSize else {
                throw .unreadable(path: path, reason: "entry \(entry.name) is stored but announces \(entry.size) bytes for \(entry.compressedSize) stored bytes")
            }
            payload = try bytes.data(begin, entry.compressedSize)
        case 8:
            guard Zlib.canInflate(to: entry.size, from: entry.compressedSize) else {
                throw .unreadable(
                    path: path,
                    reason: "entry \(entry.name) announces \(entry.size) bytes from \(entry.compressedSize) compressed bytes, more than deflate can produce (1032:1); the archive is damaged")
            }
            let start = data.startIndex + begin
            do {
                payload = Data(try data[start..<(start + entry.compressedSize)].withUnsafeBytes { (raw) throws(ZlibError) in
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

/// Bounds-checked little-endian reads from a ZIP archive: every offset is checked against
/// the archive's length, and a read past the end is a typed error naming the offset.
struct ZipBytes {
    let data: Data
    let path: String

    var count: Int { data.count }

    private func check(_ offset: Int, _ length: Int) throws(ArrayFileError) {
        guard offset >= 0, length >= 0, offset <= data.count, length <= data.count - offset else {
            throw .unreadable(path: path, reason: "damaged ZIP archive: a field at byte offset \(offset) lies past the end (\(data.count) bytes)")
        }
    }

    func u16(_ o: Int) throws(ArrayFileError) -> Int {
        try check(o, 2)
        return Int(data[data.startIndex + o]) | Int(data[data.startIndex + o + 1]) << 8
    }

    func u32(_ o: Int) throws(ArrayFileError) -> Int { try u16(o) | u16(o + 2) << 16 }

    /// A 64-bit field; values above `Int.max` are reported as damage.
    func u64(_ o: Int) throws(ArrayFileError) -> Int {
        let high = try u32(o + 4)
        guard high < 0x8000_0000 else {
            throw .unreadable(path: path, reason: "damaged ZIP archive: the 64-bit field at byte offset \(o) is out of range")
        }
        return try u32(o) | high << 32
    }

    /// `value` as an offset into the archive, or an error naming `what`.
    func offset(_ value: Int, _ what: String) throws(ArrayFileError) -> Int {
        guard value >= 0, value < data.count else {
            throw .unreadable(path: path, reason: "damaged ZIP archive: the \(what) offset \(value) points past the end (\(data.count) bytes)")
        }
        return value
    }

    func slice(_ o: Int, _ length: Int) throws(ArrayFileError) -> Data.SubSequence {
        try check(o, length)
        return data[(data.startIndex + o)..<(data.startIndex + o + length)]
    }

    func data(_ o: Int, _ length: Int) throws(ArrayFileError) -> Data {
        try check(o, length)
        return data.subdata(in: (data.startIndex + o)..<(data.startIndex + o + length))
    }
}

/// A CSV file with a header row (comma-separated, optional double quotes).
struct CSVTable {
    let path: String
    let header: [String]
    let rows: [[String]]

    init(path: String) throws(ArrayFileError) {
        self.path = path
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: NPYArray.fileErrorReason(error))
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
            // Integers first: a label near Int64.max has no exact Double.
            if let label = Int(row[c]) {
                labels.append(label)
                continue
            }
            guard let value = Double(row[c]) else { throw .nonNumericCell(path: path, line: r + 2, column: column, text: row[c]) }
            guard value == value.rounded(), let label = Int(exactly: value) else {
                throw .unreadable(path: path, reason: "line \(r + 2): label '\(row[c])' is not an integer in -2^63 … 2^63-1")
            }
            labels.append(label)
        }
        return labels
    }
}
