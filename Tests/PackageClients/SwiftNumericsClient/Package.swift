// swift-tools-version:6.2
// A user package that depends on ContrastiveBoard and on apple/swift-numerics at once: their
// module names and Float/Double members must not clash. Built by scripts/test.sh.
import PackageDescription

let package = Package(
    name: "SwiftNumericsClient",
    dependencies: [
        .package(name: "ContrastiveBoard", path: "../../.."),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        .executableTarget(
            name: "swift-numerics-client",
            dependencies: [
                .product(name: "Numerics", package: "swift-numerics"),
                .product(name: "LinearAlgebra", package: "ContrastiveBoard"),
                .product(name: "Losses", package: "ContrastiveBoard"),
                .product(name: "TensorBoard", package: "ContrastiveBoard"),
            ])
    ]
)
