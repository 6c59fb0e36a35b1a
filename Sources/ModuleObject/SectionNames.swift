/// Section names with a meaning for the kernel's module build and loader.
public enum SectionNames {
    public static let thisModule = ".gnu.linkonce.this_module"
    public static let modinfo = ".modinfo"
    public static let versions = "__versions"
    public static let ksymtabStrings = "__ksymtab_strings"

    /// Sections whose relocations nothing checks (modpost's list of sections it never scans):
    /// debug info, notes, comments, LTO and discard sections.
    static let neverScannedPrefixes = [
        ".comment", ".debug", ".zdebug", ".GCC.command.line", ".mdebug", ".pdr", ".stab", ".note",
        ".got", ".toc", ".xt.prop", ".xt.lit", ".arcextmap", ".gnu.linkonce.arcext", ".cmem",
        ".fmt_slot", ".gnu.lto", ".discard.", ".llvm.call-graph-profile",
    ]

    public static func isNeverScanned(_ name: String) -> Bool {
        neverScannedPrefixes.contains { name.hasPrefix($0) }
    }
}
