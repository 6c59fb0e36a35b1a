import ModuleObject

/// Hexadecimal as the kernel prints it.
public enum Hex {
    /// A CRC as modpost and the loader print it: `0x` and at least eight digits.
    public static func crc(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// An offset or address: `0x` and the digits, no padding (`fx_normal_function+0x12`).
    public static func offset(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}

/// The target kernel's release from `vermagic` ("6.1.0-50-amd64 SMP …" → "6.1.0-50-amd64"),
/// for messages; nil without one.
enum TargetRelease {
    static func of(_ module: ModuleObject) -> String? {
        guard let vermagic = module.modinfo.vermagic, let first = vermagic.split(separator: " ").first else { return nil }
        return String(first)
    }
}
