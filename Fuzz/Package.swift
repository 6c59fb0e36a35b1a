// swift-tools-version:6.0
// libFuzzer targets for modlint's parsers. Not part of the main build: an executable whose
// entry point is LLVMFuzzerTestOneInput links only with -sanitize=fuzzer. Build and run
// them with scripts/fuzz.
import PackageDescription

let parsers = Target.Dependency.product(name: "ModlintParsers", package: "modlint")

let package = Package(
    name: "modlint-fuzz",
    dependencies: [.package(name: "modlint", path: "..")],
    targets: [
        .target(name: "CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer", parsers]),
        .executableTarget(name: "fuzz-module", dependencies: ["FuzzSupport", parsers]),
        .executableTarget(name: "fuzz-dwarf", dependencies: ["FuzzSupport", parsers]),
        .executableTarget(name: "fuzz-symbols", dependencies: ["FuzzSupport", parsers]),
        .executableTarget(name: "fuzz-config", dependencies: ["FuzzSupport", parsers]),
        .executableTarget(name: "fuzz-decompress", dependencies: ["FuzzSupport", parsers]),
    ]
)
