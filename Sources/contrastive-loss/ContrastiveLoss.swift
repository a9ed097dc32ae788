import ArgumentParser
import ProcessRuntime

/// `contrastive-loss`: evaluate a loss and its gradients on saved arrays, for parity checks
/// against the PyTorch reference implementations.
@main
struct ContrastiveLoss: ParsableCommand {
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
            Inputs are .npy files (float32/float64 features, int32/int64 labels, C order,
            little-endian). With --json the output is one JSON object:
            {"loss": L, "grad": {"input": [[...]], "theta": [...]}}.
            """,
        subcommands: [
            CLOCMultiCommand.self, CLOCSingleCommand.self, SupConCommand.self, NTXentCommand.self, DCLCommand.self, DCLWCommand.self,
            SigmoidCommand.self, SimCLRCommand.self, SimCLRQARECommand.self, SparseCLRCommand.self, SparseCLRQARECommand.self, QARECommand.self,
        ])
}
