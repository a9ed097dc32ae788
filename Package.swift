// swift-tools-version:6.2
// The package manifest. Targets are grouped by layer (C shims, libraries, tools, tests);
// shared Swift settings are applied to every target in one loop at the end, as swift-log does.

import PackageDescription

let package = Package(
    name: "ContrastiveBoard",
    products: [
        .library(name: "EventRecords", targets: ["EventRecords"]),
        .library(name: "TensorBoard", targets: ["TensorBoard"]),
        .library(name: "ScalarLogging", targets: ["ScalarLogging"]),
        .library(name: "ProcessRuntime", targets: ["ProcessRuntime"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "ArrayFiles", targets: ["ArrayFiles"]),
        .library(name: "Deflate", targets: ["Deflate"]),
        .library(name: "Losses", targets: ["Losses"]),
        .library(name: "Probe", targets: ["Probe"]),
        .library(name: "Margins", targets: ["Margins"]),
        .library(name: "Training", targets: ["Training"]),
        .executable(name: "tb-log", targets: ["tb-log"]),
        .executable(name: "tb-export", targets: ["tb-export"]),
        .executable(name: "extract-margins", targets: ["extract-margins"]),
        .executable(name: "linear-probe", targets: ["linear-probe"]),
        .executable(name: "knn-probe", targets: ["knn-probe"]),
        .executable(name: "contrastive-loss", targets: ["contrastive-loss"]),
        .executable(name: "run-examples", targets: ["run-examples"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // DocC catalogs: `swift package generate-documentation` (build-time only).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: C targets (never products)
        .systemLibrary(
            name: "CProtobufC", pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CGif", pkgConfig: "libgif",
            providers: [.apt(["libgif-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CTensorBoardProto", dependencies: ["CProtobufC"]),
        .target(name: "CCRC32C"),
        .target(name: "CSkinnyGEMM"),
        // Their kernel bodies are compiled per instruction set by CVectorMathVariants.h, which
        // includes them by name from the target's own folder.
        .target(name: "CVectorMath", cSettings: [.headerSearchPath(".")]),
        .target(name: "CLossKernels", dependencies: ["CVectorMath"], cSettings: [.headerSearchPath(".")]),

        // MARK: Libraries
        .target(name: "EventRecords", dependencies: ["CCRC32C", "ProcessRuntime"]),
        .target(name: "ScalarLogging"),
        .target(
            name: "TensorBoard",
            dependencies: ["EventRecords", "ScalarLogging", "ProcessRuntime", "CTensorBoardProto", "CProtobufC", "Deflate", "CGif"]),
        .target(name: "ProcessRuntime"),
        .target(name: "Deflate", dependencies: ["CZlib"]),
        .target(name: "ArrayFiles", dependencies: ["LinearAlgebra", "ProcessRuntime", "Deflate"]),
        .target(
            name: "LinearAlgebra",
            dependencies: ["ProcessRuntime", "COpenBLAS", "CSkinnyGEMM", "CVectorMath"]),
        .target(
            name: "Losses",
            dependencies: ["LinearAlgebra", "ProcessRuntime", "ScalarLogging", "CLossKernels"]),
        .target(name: "Probe", dependencies: ["LinearAlgebra", "ArrayFiles", "ProcessRuntime"]),
        .target(name: "Margins", dependencies: ["TensorBoard", "Losses"]),
        .target(name: "ToolSupport", dependencies: ["ProcessRuntime"]),
        .target(
            name: "Training",
            dependencies: ["LinearAlgebra", "ArrayFiles", "ProcessRuntime"]),

        // MARK: Tools (thin argument parsing over the libraries)
        .executableTarget(
            name: "tb-log",
            dependencies: ["TensorBoard", "ToolSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "tb-export",
            dependencies: ["TensorBoard", "ToolSupport", "ProcessRuntime", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "extract-margins",
            dependencies: ["Margins", "Losses", "ToolSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "linear-probe",
            dependencies: ["Probe", "ArrayFiles", "TensorBoard", "ProcessRuntime", "ToolSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "knn-probe",
            dependencies: ["Probe", "ArrayFiles", "ProcessRuntime", "ToolSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "contrastive-loss",
            dependencies: ["Losses", "LinearAlgebra", "ArrayFiles", "ProcessRuntime", "ToolSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "run-examples",
            dependencies: [
                "TensorBoard", "Losses", "Probe", "Margins", "Training", "LinearAlgebra", "ArrayFiles", "ProcessRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "examples/run-examples",
            resources: []),

        // MARK: Tests
        .executableTarget(
            name: "runtime-check", dependencies: ["LinearAlgebra", "ProcessRuntime"], path: "Tests/RuntimeCheck"),
        .target(
            name: "TestSupport",
            dependencies: ["ScalarLogging", "LinearAlgebra", "EventRecords"],
            path: "Tests/TestSupport"),
        // A child process for the exit-flush tests (never closes its writers).
        .executableTarget(name: "writer-exit-check", dependencies: ["TensorBoard"], path: "Tests/WriterExitCheck"),
        .testTarget(name: "EventRecordsTests", dependencies: ["EventRecords", "TestSupport"]),
        .testTarget(
            name: "TensorBoardTests", dependencies: ["TensorBoard", "EventRecords", "Deflate", "TestSupport", "writer-exit-check"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ProcessRuntimeTests", dependencies: ["ProcessRuntime", "LinearAlgebra", "TestSupport", "runtime-check"]),
        .testTarget(name: "ArrayFilesTests", dependencies: ["ArrayFiles", "Deflate", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "ProcessRuntime", "TestSupport"]),
        .testTarget(name: "LossesTests", dependencies: ["Losses", "LinearAlgebra", "ProcessRuntime", "TestSupport", "TensorBoard"]),
        .testTarget(
            name: "ProbeTests", dependencies: ["Probe", "ArrayFiles", "LinearAlgebra", "Training", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(name: "MarginsTests", dependencies: ["Margins", "TensorBoard", "Losses", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "ToolsTests", dependencies: ["TestSupport", "TensorBoard", "ArrayFiles", "LinearAlgebra", "ToolSupport"], exclude: ["Fixtures"]),
        // The README's TensorBoard snippets, compiled as written in a target that depends on TensorBoard only.
        .testTarget(name: "ReadmeSnippetTests", dependencies: ["TensorBoard"]),
        .testTarget(
            name: "CompatibilityTests", dependencies: ["TensorBoard", "EventRecords", "Margins", "Losses", "TestSupport"],
            exclude: ["python"]),
    ]
)

// Shared Swift settings, applied to every Swift target in one loop (the swift-log pattern).
let cTargets: Set<String> = ["CProtobufC", "CZlib", "CGif", "COpenBLAS", "CTensorBoardProto", "CCRC32C", "CSkinnyGEMM", "CVectorMath", "CLossKernels"]
for target in package.targets where !cTargets.contains(target.name) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
