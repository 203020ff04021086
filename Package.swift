// swift-tools-version: 6.1
import PackageDescription

// `BOILERSTRIP_FUZZ=1 swift build --product BoilerstripFuzz` (make fuzz) instruments the library and links the
// fuzz target with libFuzzer and AddressSanitizer; the build tools (RuleEmbedder) stay uninstrumented.
let fuzzing = Context.environment["BOILERSTRIP_FUZZ"] != nil
let instrumented: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

let package = Package(
    name: "boilerstrip",
    products: [
        .library(name: "Boilerstrip", targets: ["Boilerstrip"]),
        .executable(name: "boilerstrip", targets: ["boilerstrip"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // libpcre2-8 from the system (Debian: libpcre2-dev).
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // A small Swift wrapper over PCRE2: compile, JIT, match on bytes, limits, errors.
        .target(name: "PCRE2", dependencies: ["CPCRE2"], swiftSettings: instrumented),
        // Vector kernels in C, chosen at run time (AVX2): the Swift code is compiled for the baseline x86-64.
        .target(name: "SIMDKernels"),
        // The library: documents, rules, screen, matcher, scorer, decisions, records, output.
        .target(
            name: "Boilerstrip",
            dependencies: ["PCRE2", "SIMDKernels", .product(name: "Yams", package: "Yams")],
            swiftSettings: instrumented,
            plugins: ["EmbedRules"]
        ),
        // The command-line tool.
        .executableTarget(
            name: "boilerstrip",
            dependencies: ["Boilerstrip", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The fuzz target (make fuzz); built normally it replays inputs through the same checks.
        .executableTarget(
            name: "BoilerstripFuzz",
            dependencies: ["Boilerstrip", "PCRE2"],
            swiftSettings: fuzzing ? instrumented + [.define("FUZZING"), .unsafeFlags(["-parse-as-library"])] : [],
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []
        ),
        // Build-time embedding of Rules/ into the library.
        .executableTarget(name: "RuleEmbedder"),
        .plugin(name: "EmbedRules", capability: .buildTool(), dependencies: ["RuleEmbedder"]),
        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"]),
        .testTarget(name: "BoilerstripTests", dependencies: ["Boilerstrip", "SIMDKernels"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Boilerstrip", "boilerstrip", "BoilerstripFuzz"]),
    ]
)
