import FixtureSupport
import Foundation
import Testing

/// modlint on a pseudo-terminal, through util-linux `script(1)`, which records every byte the
/// program writes to its terminal (colour sequences, carriage returns, the progress bar).
@Suite struct TerminalTests {
    static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func onTerminal(_ arguments: [String], noColor: Bool) throws -> (status: Int32, screen: String) {
        let command = ([CommandLineTests.executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(script))
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.packageRoot)
        var environment = ProcessInfo.processInfo.environment
        for name in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"] { environment[name] = nil }
        environment["TERM"] = "xterm-256color"
        if noColor { environment["NO_COLOR"] = "1" }
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
    }

    static let symbols = Fixtures.symbols(arch: "amd64")

    @Test(.enabled(if: script != nil, "util-linux script(1) is not installed"))
    func aTerminalGetsAGroupedColouredReport() throws {
        let run = try Self.onTerminal(["check", Fixtures.path("linux-6.1-amd64/fx_undef.ko"), "--symbols", Self.symbols], noColor: false)
        #expect(run.status == 1)
        let e = "\u{1B}["
        #expect(run.screen == """
            \(e)1mFixtures/linux-6.1-amd64/fx_undef.ko\(e)0m\(e)2m (fx_undef)\(e)0m
              \(e)1mFixtures/src/fx_undef/fx_undef.c:20:2:\(e)0m \(e)1;31merror:\(e)0m 'fx_no_such_symbol' is undefined: exported neither by the kernel's symbol table nor by any module of this run \(e)2m[U001 unresolved-symbol]\(e)0m

            \(e)1;31m1 error\(e)0m, 0 warnings, 0 notes in 1 module

            """)
    }

    @Test(.enabled(if: script != nil, "util-linux script(1) is not installed"))
    func noColorTurnsColourOffOnATerminal() throws {
        let run = try Self.onTerminal(["check", Fixtures.path("linux-6.1-amd64/fx_undef.ko"), "--symbols", Self.symbols], noColor: true)
        #expect(run.status == 1)
        #expect(!run.screen.contains("\u{1B}"))
        // An absolute path under the current directory is shown relative to it.
        #expect(run.screen.hasPrefix("Fixtures/linux-6.1-amd64/fx_undef.ko (fx_undef)\n  Fixtures/src/fx_undef/fx_undef.c:20:2: error: 'fx_no_such_symbol'"))
        let forced = try Self.onTerminal(["check", Fixtures.path("linux-6.1-amd64/fx_undef.ko"), "--symbols", Self.symbols,
                                          "--color", "always"], noColor: true)
        #expect(forced.screen.contains("\u{1B}[1;31merror:"))
    }

    @Test(.enabled(if: script != nil, "util-linux script(1) is not installed"))
    func aLongRunShowsAProgressBarOnTheTerminalOnly() throws {
        let dir = try Fixtures.scratchDirectory("progress")
        for index in 0..<60 {
            try FileManager.default.createSymbolicLink(atPath: "\(dir)/m\(index).ko",
                                                       withDestinationPath: Fixtures.path("linux-6.1-amd64/fx_clean.ko"))
        }
        let run = try Self.onTerminal(["check", dir, "--symbols", Self.symbols, "--jobs", "1"], noColor: true)
        #expect(run.status == 0)
        // 120 steps (read, check) for 60 files, one job: the first step is 0%.
        #expect(run.screen.hasPrefix("\r\u{1B}[2Kmodlint [------------------------------] 0% (60 files)\r\u{1B}[2Kmodlint [------------------------------] 1% (60 files)"))
        #expect(run.screen.contains("\r\u{1B}[2Kmodlint [##############################] 100% (60 files)"))
        // The bar is erased before the report.
        #expect(run.screen.hasSuffix("100% (60 files)\r\u{1B}[2K0 errors, 0 warnings, 0 notes in 60 modules\n"))

        let piped = try CommandLineTests.modlint(["check", dir, "--symbols", Self.symbols])
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty)
        #expect(piped.stdout == "0 errors, 0 warnings, 0 notes in 60 modules\n")
    }
}
