// swift-tools-version:6.2
// Coverage-guided fuzz targets (libFuzzer), kept outside the main package like Benchmarks/ so a
// normal `swift build` / `swift test` never needs the fuzzer runtime.
// Build and run: scripts/fuzz.sh [seconds]
import PackageDescription

let package = Package(
    name: "ContrastiveBoardFuzz",
    dependencies: [.package(name: "ContrastiveBoard", path: "../")],
    targets: [
        .executableTarget(
            name: "event-file-fuzz",
            dependencies: [
                .product(name: "TensorBoard", package: "ContrastiveBoard"),
                .product(name: "EventRecords", package: "ContrastiveBoard"),
            ],
            // libFuzzer supplies `main`; the target only defines LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
