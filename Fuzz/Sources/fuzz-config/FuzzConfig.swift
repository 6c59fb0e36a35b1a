import FuzzSupport
import LintEngine
import Rules

/// The `.modlint.yml` parser (Yams, then modlint's own checks) on arbitrary text.
private let rules = Registry.all.descriptions

@_cdecl("fuzz_config_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, count in fuzz(data, count) }
}

private func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    if let configuration = try? ConfigurationFile.parse(text, path: ".modlint.yml", rules: rules) {
        _ = ConfigurationFile.render(configuration)
    }
    return 0
}
