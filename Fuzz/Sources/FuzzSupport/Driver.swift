import CFuzzer

/// SwiftPM links an executable target with `main` renamed to `<target>_main`, which the
/// target must define; with `-parse-as-library` none is generated. Each target defines it
/// (`@_cdecl("fuzz_<name>_main")`) by calling this, which hands over to libFuzzer's driver.
public func runFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, body)
}
