import Dispatch

/// Splits a loop over matrix rows into contiguous chunks run on `WorkerPool`'s threads.
///
/// The kernels and losses use it for their O(N²) per-row passes. Small problems run inline
/// (thread hand-off costs more than it saves below about 2¹⁸ entries).
public enum RowParallelism {
    /// Work (entries touched) from which rows are split over the processors.
    public static var threshold: Int { 1 << 18 }

    /// Number of chunks `forEachChunk` uses for `rows` rows and `work` entries.
    ///
    /// - Parameters:
    ///   - rows: Row count.
    ///   - work: Entries the whole loop touches (e.g. rows × columns).
    /// - Returns: 1 below `threshold`, else up to 8 (a few per core, for balance).
    public static func chunkCount(rows: Int, work: Int) -> Int {
        work >= threshold ? Swift.max(1, Swift.min(rows, 8)) : 1
    }

    /// Calls `body` with contiguous row ranges that cover `0..<rows` exactly once, in parallel
    /// when the work is large. `body` must only write state owned by its rows (or its chunk).
    ///
    /// - Parameters:
    ///   - rows: Row count.
    ///   - work: Entries the whole loop touches.
    ///   - body: Receives the chunk index and its row range.
    public static func forEachChunk(rows: Int, work: Int, _ body: @Sendable (_ chunk: Int, _ rows: Range<Int>) -> Void) {
        let chunks = chunkCount(rows: rows, work: work)
        if chunks == 1 {
            body(0, 0..<rows)
            return
        }
        WorkerPool.run(iterations: chunks) { chunk in
            body(chunk, (chunk * rows / chunks)..<((chunk + 1) * rows / chunks))
        }
    }

    /// Calls `body` once for each panel of a square matrix tiled in `panels` row panels, for
    /// loops over the tile pairs (I, J ≥ I) of panel I (which fall from `panels` pairs for the
    /// first panel to one for the last): panels u and `panels − 1 − u` form one work unit of
    /// `panels + 1` pairs, and contiguous ranges of units go to the processors (as
    /// `forEachChunk`). A chunk index is passed along for per-chunk partial results.
    ///
    /// - Parameters:
    ///   - panels: Panel count.
    ///   - work: Entries the whole loop touches (decides whether to split).
    ///   - body: Receives the chunk index (`0..<tilePanelChunkCount`) and a panel.
    public static func forEachTilePanel(panels: Int, work: Int, _ body: @Sendable (_ chunk: Int, _ panel: Int) -> Void) {
        forEachChunk(rows: (panels + 1) / 2, work: work) { chunk, units in
            for unit in units {
                body(chunk, unit)
                if panels - 1 - unit != unit { body(chunk, panels - 1 - unit) }
            }
        }
    }

    /// Number of chunks `forEachTilePanel` uses.
    public static func tilePanelChunkCount(panels: Int, work: Int) -> Int { chunkCount(rows: (panels + 1) / 2, work: work) }
}
