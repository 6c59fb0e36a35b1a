import FixtureSupport
import Foundation
import Testing

/// `modlint sizes` as a user runs it.
@Suite struct SizesCommandTests {
    static let small = "Fixtures/linux-6.1-amd64/fx_size_small.ko"
    static let large = "Fixtures/linux-6.1-amd64/fx_size_large.ko"

    @Test func textReportOfTheSizeFixtures() throws {
        let run = try CommandLineTests.modlint("sizes", Self.small, Self.large)
        #expect(run.status == 0)
        #expect(run.stdout == """
            sizes in bytes; allocated: the whole 4096-byte pages the loader maps for the core; waste: the part of them the module does not fill
            module         text  rodata  ro_after_init  data  bss  kallsyms  init  core  allocated  waste  what the loader does
            fx_size_large    12    2880              0   948    0       322  1804  4162      16384  12222  vmalloc'd as 4 pages
            fx_size_small    12    2784              0   916    0       322  1804  4034      16384  12350  sub-page, vmalloc'd as 4 pages

            core size (bytes)      modules
            2K–4K                 1 ████████████████████████████████████████
            4K–8K          |      1 ████████████████████████████████████████
            (| marks cores of a page (4096 bytes) or more: no kmalloc object could hold them)

            1 of 2 modules would fit under a page (4096 bytes) as one kmalloc object, but the loader vmallocs whole pages: they take 4 pages now, 1 page as kmalloc objects (3 pages saved)
              cores: 8196 bytes of module in 32768 bytes allocated; the page rounding costs 24572 bytes
              init: 24576 bytes allocated while the modules initialise, freed afterwards
              2002 measure (.text + .data under a page, as the 2002 kmalloc proposal counted): 2 of 2 modules

            """)
    }

    @Test func noModulesIsAnError() throws {
        let empty = try Fixtures.scratchDirectory("sizes-empty")
        let run = try CommandLineTests.modlint("sizes", empty)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "modlint: error: no modules found under \(empty) (looked for *.ko, *.ko.xz, *.ko.zst, *.ko.gz)\n")
    }

    @Test func jsonForTheOracle() throws {
        let run = try CommandLineTests.modlint("sizes", "--format", "json", Self.large, Self.small)
        #expect(run.status == 0)
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let modules = try #require(object["modules"] as? [[String: Any]])
        #expect(modules.map { $0["path"] as? String } == [Self.large, Self.small])
        #expect(modules.map { $0["core_allocated"] as? Int } == [16384, 16384])
    }

    @Test func pageSizeAndKernelVersionChangeTheLayout() throws {
        let big = try CommandLineTests.modlint("sizes", "--format", "csv", "--page-size", "65536", Self.large)
        #expect(big.stdout.split(separator: "\n").last?.hasPrefix("fx_size_large,12,2880,0,948,0,322,1804,4162,262144,196608,") == true)
        #expect(big.stdout.contains(",kmalloc,"))
        let modern = try CommandLineTests.modlint("sizes", "--format", "csv", "--kernel-version", "6.12.0", Self.large)
        #expect(modern.stdout.contains(",vmalloc,"))
        let bad = try CommandLineTests.modlint("sizes", "--page-size", "3000", Self.large)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--page-size must be a power of two of at least 1024"))
    }

    @Test func kernelConfigIsRead() throws {
        let dir = try Fixtures.scratchDirectory("sizes-kernel-config")
        defer { Fixtures.removeScratchDirectory(dir) }
        try "# CONFIG_STRICT_MODULE_RWX is not set\n".write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        let run = try CommandLineTests.modlint("sizes", "--format", "json", "--kernel-config", dir + "/config", Self.small)
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let modules = try #require(object["modules"] as? [[String: Any]])
        // Without STRICT_MODULE_RWX 6.1 does not round: the allocated size is the layout's own.
        #expect(modules.first?["core_allocated"] as? Int == 4034)
    }

    @Test func budgetsFailTheRun() throws {
        let run = try CommandLineTests.modlint("sizes", "--core-budget", "12288", "--format", "csv", Self.small)
        #expect(run.status == 1)
        #expect(run.stderr.contains("fx_size_small.ko: warning: core allocation 16384 bytes is above the budget of 12288 bytes (core content 4034 bytes) [Z002]"))
        let check = try CommandLineTests.modlint("check", "--select", "Z", "--core-budget", "16384", "--init-budget", "8192", Self.small)
        #expect(check.stdout.contains("fx_size_small.ko: warning: init allocation 12288 bytes is above the budget of 8192 bytes [Z002 size-budget]"))
        #expect(check.stdout.contains("kmalloc class: the core is under one 4096-byte page [Z001 size-class]"))
        #expect(check.stdout.hasSuffix("0 errors, 1 warning, 1 note in 1 module\n"))
    }

    @Test func sizeClassIsOffByDefaultInCheck() throws {
        let run = try CommandLineTests.modlint("check", Self.small, "--symbols", "Fixtures/linux-6.1-amd64/Module.symvers")
        #expect(run.stdout == "0 errors, 0 warnings, 0 notes in 1 module\n")
    }

    @Test func svgGoesToAFile() throws {
        let dir = try Fixtures.scratchDirectory("sizes-svg")
        defer { Fixtures.removeScratchDirectory(dir) }
        let run = try CommandLineTests.modlint("sizes", "--format", "svg", "--output", dir + "/sizes.svg", "Fixtures/linux-6.1-amd64")
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        let svg = try String(contentsOfFile: dir + "/sizes.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("22 of 25 modules have a core under 4096 bytes"))
    }
}
