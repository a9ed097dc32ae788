import ArgumentParser
import ProcessRuntime

/// `linear-probe`: fit a probe (the default subcommand, `fit`) or apply a saved one (`predict`).
@main
struct LinearProbeTool: ParsableCommand {
    /// Applies the tuned process configuration (adjustable by `CONTRASTIVEBOARD_` variables),
    /// then parses the arguments and runs.
    static func main() {
        RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()
        Self.main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "linear-probe",
        abstract: "Linear probe on frozen features: fit scikit-learn's multinomial logistic regression (default) or apply a saved model.",
        subcommands: [LinearProbeCommand.self, LinearProbePredictCommand.self],
        defaultSubcommand: LinearProbeCommand.self)
}
