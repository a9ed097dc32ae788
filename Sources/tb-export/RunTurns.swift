import Dispatch

/// Lets runs exported on several threads write their rows in run order.
///
/// Run `i` may write once every run before it has written all its rows: its turn comes when
/// run `i − 1` calls `pass(after:)`. Until then a run collects its rows in memory
/// (`BufferedOutput.holding`); a run whose collected rows reach its limit waits for its turn,
/// so memory stays bounded by the number of threads times that limit, whatever the log
/// directory's size. Runs are taken in increasing order, so the earliest unfinished run is
/// always writing and never waits: no deadlock.
final class RunTurns: Sendable {
    /// `gates[i]` is signalled once, when run `i`'s turn comes (run 0's at creation).
    private let gates: [Gate]

    /// `DispatchSemaphore` is thread-safe; the wrapper states it for the compiler.
    private final class Gate: @unchecked Sendable {
        /// Created at 0 and only ever signalled past it: libdispatch traps when a semaphore
        /// is released with a count below the one it was created with.
        let semaphore = DispatchSemaphore(value: 0)
    }

    /// Turns for runs `0..<count`.
    init(count: Int) {
        gates = (0..<Swift.max(count, 1)).map { _ in Gate() }
        gates[0].semaphore.signal()
    }

    /// Whether run `run`'s turn has come, without waiting. Once `true` has been returned for a
    /// run, neither this nor `wait(for:)` may be called for it again.
    func isTurn(of run: Int) -> Bool {
        gates[run].semaphore.wait(timeout: .now()) == .success
    }

    /// Waits until run `run`'s turn comes.
    func wait(for run: Int) {
        gates[run].semaphore.wait()
    }

    /// Gives the turn to the run after `run`; called once per run, when it has written
    /// everything (or has failed).
    func pass(after run: Int) {
        if run + 1 < gates.count { gates[run + 1].semaphore.signal() }
    }
}
