// swift-tools-version:6.2
// Benchmarks live outside the main package (the swift-nio pattern) so they never slow `swift test`.
// Run: swift run -c release --package-path Benchmarks <records|cloc|losses|probe|margins|kinds>
import PackageDescription

let package = Package(
    name: "ContrastiveBoardBenchmarks",
    dependencies: [.package(name: "ContrastiveBoard", path: "../")],
    targets: [
        .executableTarget(
            name: "records",
            dependencies: [
                .product(name: "TensorBoard", package: "ContrastiveBoard"),
                .product(name: "EventRecords", package: "ContrastiveBoard"),
            ]),
        .executableTarget(
            name: "cloc",
            dependencies: [.product(name: "Losses", package: "ContrastiveBoard"), .product(name: "LinearAlgebra", package: "ContrastiveBoard"), .product(name: "ProcessRuntime", package: "ContrastiveBoard")]),
        .executableTarget(
            name: "losses",
            dependencies: [.product(name: "Losses", package: "ContrastiveBoard"), .product(name: "LinearAlgebra", package: "ContrastiveBoard"), .product(name: "ProcessRuntime", package: "ContrastiveBoard")]),
        .executableTarget(
            name: "probe",
            dependencies: [.product(name: "Probe", package: "ContrastiveBoard"), .product(name: "ArrayFiles", package: "ContrastiveBoard"), .product(name: "LinearAlgebra", package: "ContrastiveBoard"), .product(name: "ProcessRuntime", package: "ContrastiveBoard")]),
        .executableTarget(
            name: "kinds",
            dependencies: [.product(name: "TensorBoard", package: "ContrastiveBoard"), .product(name: "ProcessRuntime", package: "ContrastiveBoard")]),
        .executableTarget(
            name: "margins",
            dependencies: [.product(name: "Margins", package: "ContrastiveBoard"), .product(name: "TensorBoard", package: "ContrastiveBoard")]),
    ]
)
