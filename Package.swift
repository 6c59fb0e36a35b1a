// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "modlint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "modlint", targets: ["modlint"]),
        // The parsers, for the fuzz targets of Fuzz/Package.swift (built by scripts/fuzz).
        .library(name: "ModlintParsers", targets: ["ModuleObject", "KernelSymbols", "DebugInfo", "LintEngine", "Rules"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // libelf (elfutils): pkg-config knows it on Debian.
        .systemLibrary(
            name: "CLibElf", path: "Sources/CLibElf",
            pkgConfig: "libelf", providers: [.apt(["libelf-dev"])]),
        // libdwarf 20210528: Debian 12 ships no .pc file, so no pkgConfig here; the shim
        // finds the header in <libdwarf/libdwarf.h>.
        .systemLibrary(
            name: "CLibDwarf", path: "Sources/CLibDwarf",
            providers: [.apt(["libdwarf-dev"])]),
        // liblzma, libzstd and zlib for compressed modules (.ko.xz, .ko.zst, .ko.gz).
        .systemLibrary(
            name: "CCompression", path: "Sources/CCompression",
            providers: [.apt(["liblzma-dev", "libzstd-dev", "zlib1g-dev"])]),
        // The run's machinery: parallel map with a watchdog, values held between passes or
        // made on another thread, shared per-module values, the mapping arenas.
        .target(name: "ParallelRun"),
        .target(name: "ModuleObject", dependencies: ["CLibElf", "CCompression", "ParallelRun"]),
        .target(name: "KernelSymbols", dependencies: ["ModuleObject"]),
        // The loader's layout: what a module costs in memory (sizes, size classes).
        .target(name: "ModuleLayout", dependencies: ["ModuleObject"]),
        // The only target that calls libdwarf.
        .target(name: "DebugInfo", dependencies: ["CLibDwarf", "ModuleObject"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(
            name: "LintEngine",
            dependencies: ["ParallelRun", "ModuleObject", "ModuleLayout", "KernelSymbols", "DebugInfo", .product(name: "Yams", package: "Yams")]),
        .target(name: "Rules", dependencies: ["LintEngine", "ModuleObject", "ModuleLayout", "KernelSymbols", "DebugInfo"], path: "Rules"),
        .target(name: "Reporters", dependencies: ["LintEngine", "ModuleObject", "ModuleLayout"]),
        .executableTarget(
            name: "modlint",
            dependencies: [
                "LintEngine", "Rules", "Reporters", "KernelSymbols", "ModuleObject", "ModuleLayout",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc (libjemalloc-dev) replaces glibc's malloc in the command: a tree run makes
            // millions of small allocations from every thread, and glibc's arenas cost about a
            // tenth of its time. The libraries and tests keep the system allocator.
            linkerSettings: [.linkedLibrary("jemalloc")]),
        .target(name: "FixtureSupport", dependencies: ["LintEngine", "Rules", "KernelSymbols"], path: "Tests/FixtureSupport"),
        .testTarget(name: "ParallelRunTests", dependencies: ["ParallelRun"]),
        .testTarget(name: "ModuleObjectTests", dependencies: ["ModuleObject", "FixtureSupport"]),
        .testTarget(name: "ModuleLayoutTests", dependencies: ["ModuleLayout", "ModuleObject", "FixtureSupport"]),
        .testTarget(name: "DebugInfoTests", dependencies: ["DebugInfo", "ModuleObject", "FixtureSupport"]),
        .testTarget(name: "KernelSymbolsTests", dependencies: ["KernelSymbols", "FixtureSupport"]),
        .testTarget(name: "LintEngineTests", dependencies: ["LintEngine", "ParallelRun", "Rules", "DebugInfo", "ModuleObject", "FixtureSupport"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "LintEngine", "ModuleObject", "KernelSymbols", "FixtureSupport"]),
        .testTarget(
            name: "ReportersTests", dependencies: ["Reporters", "LintEngine", "ModuleObject", "ModuleLayout", "Rules", "FixtureSupport"],
            resources: [.copy("Resources")]),
        .testTarget(name: "EndToEndTests", dependencies: ["modlint", "FixtureSupport"], exclude: ["Snapshots"]),
    ]
)
