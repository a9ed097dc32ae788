import ArgumentParser
import Foundation
import ProcessRuntime

/// `contrastive-loss`: evaluate a loss and its gradients on saved arrays, for parity checks
/// against the PyTorch reference implementations.
@main
struct ContrastiveLossCommand: ParsableCommand {
    /// Applies the tuned process configuration (adjustable by `CONTRASTIVEBOARD_` variables),
    /// then parses the arguments and runs.
    static func main() {
        RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()
        Self.main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "contrastive-loss",
        abstract: "Evaluate a contrastive loss and its analytic gradients on .npy arrays (parity checks against PyTorch).",
        discussion: """
            Inputs are .npy files (float32/float64 features, int32/int64 labels, C order, \
            little-endian). With --json the output is one JSON object:
              {"loss": L, "grad": {"input": [[...]], "theta": [...]}}
            """,
        subcommands: [
            CLOCMultiCommand.self, CLOCSingleCommand.self, SupConCommand.self, NTXentCommand.self, DCLCommand.self, DCLWCommand.self,
            SigmoidCommand.self, SimCLRCommand.self, SimCLRQARECommand.self, SparseCLRCommand.self, SparseCLRQARECommand.self, QARECommand.self,
        ])

    /// Runs when no subcommand is given: one line on stderr, exit status 64 (EX_USAGE).
    func run() throws {
        let names = Self.configuration.subcommands.map { $0.configuration.commandName ?? "" }
        FileHandle.standardError.write(Data("Error: missing subcommand; choose one of \(names.joined(separator: ", ")) (see contrastive-loss --help)\n".utf8))
        throw ExitCode(64)
    }
}
