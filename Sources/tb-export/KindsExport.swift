import ProcessRuntime
import Synchronization
import TensorBoard
import ToolSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Exports the rows of one or more dashboard kinds of every run, each kind to its own output:
/// runs are read on `WorkerPool`'s threads, and their rows reach each output in run order
/// (`RunTurns`), so the result is byte for byte what one thread would write.
struct KindsExport: Sendable {
    /// Where the rows of one kind go.
    struct Output: Sendable {
        let kind: DashboardKind
        /// An open descriptor the export writes to and does not close.
        let descriptor: Int32
    }

    /// What the export found, after every run.
    struct Outcome {
        /// Whether some file was damaged (each damage was reported on stderr).
        var damaged = false
        /// The hparams records and last scalars of every run, when hparams were asked for.
        var collector = HParamsCollector()
        /// The errno of the first failed write of each output, in `outputs` order.
        var failures: [Int32?]
    }

    let reader: LogdirReader
    let runs: [RunInfo]
    let outputs: [Output]
    let format: ExportFormat
    /// Where images and audio files go.
    let mediaDirectory: String?
    /// Whether hparams records and every scalar are read too (for the HParams table).
    let wantsHParams: Bool
    let acceptsTag: (@Sendable (String) -> Bool)?
    let semantics: LogdirReader.Semantics
    /// The run name printed in rows for a `RunInfo.name`.
    let printedName: @Sendable (String) -> String

    /// Bytes of rows one table of a run collects, while earlier runs are still being written,
    /// before the run waits for its turn: memory stays below threads × tables × this limit.
    static let holdLimit = 4 << 20

    /// Writes the header rows, then every run's rows.
    ///
    /// - Throws: The first error of the earliest run that failed (a file that cannot be opened,
    ///   an image that cannot be written); damage is reported on stderr and counted instead.
    func run() throws -> Outcome {
        var outcome = Outcome(failures: [])
        for output in outputs {
            var table = KindTable(kind: output.kind, format: format, mediaDirectory: mediaDirectory, output: BufferedOutput(descriptor: output.descriptor))
            table.writeHeader()
            table.output.flush()
            outcome.failures.append(table.output.failure)
        }
        let shared = Shared(runs: runs.count)
        WorkerPool.run(iterations: Swift.min(WorkerPool.parallelism, runs.count)) { _ in
            while !shared.aborted.load(ordering: .relaxed) {
                let index = shared.nextRun.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < runs.count else { return }
                let result = exportRun(index, shared: shared)
                if result.error != nil { shared.aborted.store(true, ordering: .relaxed) }
                shared.results.withLock { $0[index] = result }
            }
        }
        for result in shared.results.withLock({ $0 }) {
            guard let result else { continue }
            if let error = result.error { throw error }
            outcome.damaged = outcome.damaged || result.damaged
            outcome.collector.merge(result.collector)
            for (index, failure) in result.failures.enumerated() where outcome.failures[index] == nil {
                outcome.failures[index] = failure
            }
        }
        return outcome
    }

    /// State the threads share.
    private final class Shared: Sendable {
        let turns: RunTurns
        let nextRun = Atomic<Int>(0)
        /// Set by a run that failed: later runs stop and write nothing.
        let aborted = Atomic<Bool>(false)
        let results: Mutex<[RunResult?]>

        init(runs: Int) {
            turns = RunTurns(count: runs)
            results = Mutex([RunResult?](repeating: nil, count: runs))
        }
    }

    private struct RunResult: Sendable {
        var damaged = false
        var collector = HParamsCollector()
        var failures: [Int32?] = []
        var error: (any Error)?
    }

    /// Stops reading a run once another run has failed.
    private struct Aborted: Error {}

    /// The position of `kind` in a table index (looked up once per row, so not hashed).
    private static func slot(_ kind: DashboardKind) -> Int {
        switch kind {
        case .scalars: 0
        case .histograms: 1
        case .images: 2
        case .audio: 3
        case .text: 4
        case .prCurves: 5
        case .hparams: 6
        case .customScalars: 7
        }
    }

    private static func warn(_ line: String) {
        var line = line
        line.withUTF8 { _ = SystemCallText.writeAll(UnsafeRawBufferPointer($0), to: 2) }
    }

    private func exportRun(_ index: Int, shared: Shared) -> RunResult {
        let info = runs[index]
        let name = printedName(info.name)
        var result = RunResult()
        var tables = outputs.map {
            KindTable(kind: $0.kind, format: format, mediaDirectory: mediaDirectory, output: BufferedOutput(descriptor: $0.descriptor))
        }
        var tableOfKind = [Int?](repeating: nil, count: 8)
        for (position, table) in tables.enumerated() { tableOfKind[Self.slot(table.kind)] = position }
        var writing = shared.turns.isTurn(of: index)
        for position in tables.indices { tables[position].output.holding = !writing }
        var warnings: [String] = []
        /// Waits for this run's turn, then writes what was collected and what was warned.
        func startWriting() {
            if !writing {
                shared.turns.wait(for: index)
                writing = true
            }
            for position in tables.indices {
                tables[position].output.holding = false
                tables[position].output.flush()
            }
            for line in warnings { Self.warn(line) }
            warnings.removeAll()
        }
        let readerFilter: ((String) -> Bool)? = wantsHParams ? nil : acceptsTag.map { filter in { filter($0) } }
        var streamKinds = Set(outputs.map(\.kind))
        if wantsHParams { streamKinds.formUnion([.hparams, .scalars]) }
        do {
            try reader.forEachValue(
                in: info, of: streamKinds, acceptsTag: readerFilter, semantics: semantics,
                onDamage: { error in
                    result.damaged = true
                    let line = "tb-export: warning: \(error)\n"
                    if writing {
                        // The rows before the damage are written before it is reported.
                        for position in tables.indices { tables[position].output.flush() }
                        Self.warn(line)
                    } else {
                        warnings.append(line)
                    }
                }
            ) { _, point in
                if shared.aborted.load(ordering: .relaxed) { throw Aborted() }
                if wantsHParams { result.collector.observe(point, run: info.name) }
                guard let position = tableOfKind[Self.slot(point.value.kind)] else { return }
                if wantsHParams, let acceptsTag, !acceptsTag(point.tag) { return }
                try tables[position].write(run: name, point)
                if !writing, tables[position].output.pendingCount >= Self.holdLimit { startWriting() }
            }
        } catch {
            result.error = error
        }
        if result.error == nil, !shared.aborted.load(ordering: .relaxed) {
            startWriting()
            for position in tables.indices { tables[position].output.flush() }
        } else if !writing {
            // Earlier runs still write in order; this run writes nothing.
            shared.turns.wait(for: index)
        }
        result.failures = tables.map(\.output.failure)
        shared.turns.pass(after: index)
        return result
    }
}
