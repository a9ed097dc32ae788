// extract-margins end to end on a large run. Run:
//   swift run -c release --package-path Benchmarks margins
// Problem: one event file of 1,000,000 scalar events: 4 margin tags (C0-C1 … C3-C4) among 20
// other tags, logged round-robin (41,667 steps). Times `extractMargins` (discover, read with
// both CRCs, filter tags, pre-empt, pick the last values), best of 3.
import Foundation
import Margins
import TensorBoard

let directory = NSTemporaryDirectory() + "margins-bench-\(ProcessInfo.processInfo.processIdentifier)"
defer { try? FileManager.default.removeItem(atPath: directory) }
let tags = (0..<4).map { "C\($0)-C\($0 + 1)" } + (0..<20).map { "metric/\($0)" }
let writer = try SummaryWriter(logDirectory: directory + "/run")
var events = 0
var step = 0
while events < 1_000_000 {
    for tag in tags where events < 1_000_000 {
        try writer.addScalar(tag, 0.5 + Double(step % 100) / 1000, step: step)
        events += 1
    }
    step += 1
}
try writer.close()
print("margins benchmark: \(events) events, \(tags.count) tags (4 margins), \(step) steps")
var best = Double.infinity
var map = ""
for _ in 0..<3 {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try extractMargins(path: directory)
    map = result.map().jsonText
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
print(String(format: "extractMargins: %.3f s (best of 3; target <= 0.5 s; tbparse needs ~24 s)  map %@", best, map))
