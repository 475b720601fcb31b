// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks of Quire's hot pure code (package-benchmark, with allocation counts). A package
// of its own so the main package's default build and CI don't build the benchmark framework:
//
//     cd Benchmarks/Micro && swift package benchmark
let package = Package(
    name: "quire-micro-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "quire", path: "../.."),
        // The malloc interposer gives the allocation counts (mallocCountTotal).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "QuireMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "QuireAPI", package: "quire"),
                .product(name: "QuireCore", package: "quire"),
                .product(name: "QuireStore", package: "quire"),
            ],
            path: "Benchmarks/QuireMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
