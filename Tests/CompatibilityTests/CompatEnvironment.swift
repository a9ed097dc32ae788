import Foundation
import TestSupport
import Testing

/// Access to the Python virtual environment with the real TensorBoard, tbparse and tensorboardX
/// (created by scripts/setup-compat-venv.sh, found at $CONTRASTIVEBOARD_COMPAT_VENV or <repo>/.venv-compat),
/// and to the second one with tbparse and TensorFlow, which tbparse needs for images and audio
/// ($CONTRASTIVEBOARD_COMPAT_TF_VENV or <repo>/.venv-compat-tf).
///
/// Locally, without the venv, the compatibility suites are disabled with that reason. When the
/// environment variable CI is set, the suites always run, and a missing venv fails them.
enum CompatEnvironment {
    static let venv: String = ProcessInfo.processInfo.environment["CONTRASTIVEBOARD_COMPAT_VENV"] ?? packageRootPath + "/.venv-compat"
    static let python = venv + "/bin/python"
    static let available = FileManager.default.isExecutableFile(atPath: python)
    static let required = ProcessInfo.processInfo.environment["CI"] != nil
    static let shouldRun = available || required
    static let scripts = packageRootPath + "/Tests/CompatibilityTests/python/"
    static let tensorFlowVenv: String = ProcessInfo.processInfo.environment["CONTRASTIVEBOARD_COMPAT_TF_VENV"] ?? packageRootPath + "/.venv-compat-tf"

    /// Runs a Python helper script and returns its stdout; records an issue on failure.
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        guard available else {
            Issue.record("compatibility venv missing at \(venv): run scripts/setup-compat-venv.sh")
            return ""
        }
        return try run(python, script, arguments)
    }

    /// Runs a Python helper script with the TensorFlow venv's python and returns its stdout;
    /// records an issue when that venv is missing or the script fails.
    static func runWithTensorFlow(_ script: String, _ arguments: [String]) throws -> String {
        let python = tensorFlowVenv + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("compatibility venv with TensorFlow missing at \(tensorFlowVenv): run scripts/setup-compat-venv.sh")
            return ""
        }
        return try run(python, script, arguments)
    }

    private static func run(_ python: String, _ script: String, _ arguments: [String]) throws -> String {
        let result = try runProcess(python, [scripts + script] + arguments)
        if result.status != 0 {
            Issue.record("\(script) failed (\(result.status)): \(result.standardError.suffix(3000))")
        }
        return result.standardOutput
    }

    /// The body of a POST to the hparams plugin's `session_groups` route listing every session.
    static let allSessionGroups =
        "POST:/data/plugin/hparams/session_groups|{\"experimentName\": \"\", \"allowedStatuses\": [\"STATUS_UNKNOWN\", \"STATUS_SUCCESS\", \"STATUS_FAILURE\", \"STATUS_RUNNING\"], \"colParams\": [], \"startIndex\": 0, \"sliceSize\": 100}"

    /// Starts the real TensorBoard on `logdir` with `--load_fast=<loadFast>`, waits for `wait`
    /// (tb_query.py's `plugin:run:tag,…`) and returns each URL's response; records an issue and
    /// returns nil when there is no JSON.
    static func queryTensorBoard(_ logdir: String, loadFast: String, wait: String, urls: [String]) throws -> [String: Any]? {
        let output = try run("tb_query.py", [logdir, loadFast, wait] + urls)
        guard let result = try json(output) as? [String: Any] else {
            Issue.record("no JSON from TensorBoard: \(output.prefix(500))")
            return nil
        }
        return result
    }

    /// Parses JSON text.
    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}
