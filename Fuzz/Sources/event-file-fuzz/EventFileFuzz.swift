import EventRecords
import Foundation
import TensorBoard

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer entry point: the input bytes are an event file.
///
/// They are written to a file in a private temporary directory and read through every reader:
/// `RecordReader` (raw payloads), `EventFileReader.forEachEvent` and `.forEachScalar`, and
/// `LogdirReader` on the directory; every summary value is also interpreted with
/// `decoded(pluginName:)` and `numericValues`. Any trap, sanitizer report or leak is a finding;
/// thrown errors are the expected outcome for bad input.
@_cdecl("LLVMFuzzerTestOneInput")
public func eventFileFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let directory = FuzzScratch.directory
    let path = directory + "/events.out.tfevents.fuzz"
    guard let file = fopen(path, "wb") else { return 0 }
    if let data, size > 0 { _ = fwrite(data, 1, size, file) }
    fclose(file)

    if let records = try? RecordReader(path: path) {
        while let payload = try? records.next() { _ = payload.count }
    }
    if let reader = try? EventFileReader(path: path) {
        try? reader.forEachEvent { event in
            guard case .summary(let values) = event.content else { return }
            for value in values {
                let decoded = value.decoded(pluginName: reader.pluginNames[value.tag])
                if case .tensor(let tensor) = value.value {
                    _ = tensor.numericValues?.count
                    _ = decoded
                }
            }
        }
    }
    if let reader = try? EventFileReader(path: path) {
        try? reader.forEachScalar { _, point in _ = point.value }
    }
    if let logdir = try? LogdirReader(path: directory) {
        for run in logdir.runs {
            _ = try? logdir.scalars(in: run, onDamage: { _ in })
        }
    }
    return 0
}

/// A temporary directory made once per fuzzing process (one per libFuzzer worker).
enum FuzzScratch {
    static let directory: String = {
        // tmpfs when available: each input is written to a file and read back.
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let path = base + "event-file-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
}
