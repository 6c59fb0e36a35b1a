#if canImport(Glibc)
import Glibc
#endif

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

    private static let neverScannedPrefixBytes = neverScannedPrefixes.map { Array($0.utf8) }

    /// Asked for every relocation section of every module: compared as bytes, not with
    /// `hasPrefix` (which compares `Character`s) once per prefix.
    public static func isNeverScanned(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            neverScannedPrefixBytes.contains { prefix in
                prefix.count <= bytes.count && prefix.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, prefix.count) == 0 }
            }
        }
    }

    /// Tables the compiler and objtool emit to describe code: unwind entries, patch and call
    /// sites, trace and debug descriptors, bug and jump-label entries. Their relocations point
    /// into code (or at strings) by construction, modpost does not check them, and no rule
    /// reads them; on x86-64 they are half of a module's relocations (`.orc_unwind_ip` alone a
    /// third), so their entries are checked (a corrupt one still makes the file unreadable)
    /// but not kept.
    static let codeDescriptionTables: Set<String> = [
        ".orc_unwind_ip", ".return_sites", ".call_sites", ".retpoline_sites", ".ibt_endbr_seal",
        ".static_call_sites", ".smp_locks", ".altinstructions", "__mcount_loc",
        "__patchable_function_entries", "__jump_table", "__dyndbg", "__bug_table", ".eh_frame",
    ]

    public static func isCodeDescriptionTable(_ name: String) -> Bool { codeDescriptionTables.contains(name) }
}
