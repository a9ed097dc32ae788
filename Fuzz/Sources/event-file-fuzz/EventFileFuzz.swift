import EventRecords
import Foundation
import TensorBoard

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer entry point: the input bytes are an event file.
///
/// Each input is written twice into a private scratch directory: as given, and with every
/// record's CRCs recomputed ("repaired", so mutations inside payloads reach the protobuf
/// decoding instead of stopping at a checksum). Both files are read through every reader:
/// `RecordReader` (raw payloads), `EventFileReader.forEachEvent` (each value interpreted with
/// `decoded(pluginName:)` and `numericValues`) and `.forEachScalar`, and `LogdirReader` on the
/// directory. Any trap, sanitizer report, slow input or oversized allocation is a finding;
/// thrown errors are the expected outcome for bad input.
@_cdecl("LLVMFuzzerTestOneInput")
public func eventFileFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let directory = FuzzScratch.directory
    let raw = directory + "/events.out.tfevents.1.raw"
    let repaired = directory + "/events.out.tfevents.2.repaired"
    guard write(bytes, to: raw), write(repairingChecksums(bytes), to: repaired) else { return 0 }
    for path in [raw, repaired] { readEverything(path) }
    if let logdir = try? LogdirReader(path: directory) {
        for run in logdir.runs { _ = try? logdir.scalars(in: run, onDamage: { _ in }) }
    }
    return 0
}

/// Reads one file through the record and event readers.
func readEverything(_ path: String) {
    if let records = try? RecordReader(path: path) {
        while let payload = try? records.next() { _ = payload.count }
    }
    if let reader = try? EventFileReader(path: path) {
        try? reader.forEachEvent { event in
            guard case .summary(let values) = event.content else { return }
            for value in values {
                _ = value.decoded(pluginName: reader.pluginNames[value.tag])
                if case .tensor(let tensor) = value.value { _ = tensor.numericValues?.count }
            }
        }
    }
    if let reader = try? EventFileReader(path: path) {
        try? reader.forEachScalar { _, point in _ = point.value }
    }
}

/// The same records with valid CRCs: each record's length is taken from its header (clamped to
/// the bytes left) and its payload re-framed.
func repairingChecksums(_ bytes: [UInt8]) -> [UInt8] {
    var output = [UInt8]()
    var offset = 0
    while bytes.count - offset >= RecordFraming.headerSize {
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        let start = offset + RecordFraming.headerSize
        let length = Int(min(declared, UInt64(bytes.count - start)))
        bytes[start..<(start + length)].withUnsafeBytes { RecordFraming.appendRecord($0, to: &output) }
        offset = start + length + RecordFraming.footerSize
    }
    return output
}

/// Writes `bytes` to `path` (replacing it).
func write(_ bytes: [UInt8], to path: String) -> Bool {
    guard let file = fopen(path, "wb") else { return false }
    defer { fclose(file) }
    return bytes.isEmpty || fwrite(bytes, 1, bytes.count, file) == bytes.count
}

/// A scratch directory made once per fuzzing process (one per libFuzzer worker), on tmpfs
/// when available.
enum FuzzScratch {
    static let directory: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let path = base + "event-file-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
}
