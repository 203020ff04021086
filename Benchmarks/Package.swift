// swift-tools-version: 6.1
import PackageDescription

// The throughput benchmarks, a package of their own so that the root package's `swift build` / `swift test`
// never resolve ordo-one/benchmark. Run: `make bench` (or `swift package --disable-sandbox benchmark` here).
let package = Package(
    name: "BoilerstripBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "boilerstrip", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "BoilerstripBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Boilerstrip", package: "boilerstrip"),
            ],
            path: "Benchmarks/BoilerstripBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
