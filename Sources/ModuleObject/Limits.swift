/// What one module file may hold before it is refused as hostile rather than read: each limit
/// is far above anything a kernel build produces, and low enough that a forged count cannot
/// make modlint allocate gigabytes or loop for minutes. Exceeding one is `E001` with
/// `ModuleError.limitExceeded`, naming the limit.
public enum ModuleLimits {
    /// Debian 6.1's largest module is 19 MiB (amdgpu.ko, without DWARF); with full DWARF a
    /// module reaches a few hundred MiB at most.
    public static let fileSize: UInt64 = 1 << 30
    /// The largest module of Debian's trees decompresses to about 20 MiB.
    public static let decompressedSize = 256 << 20
    /// Debian 6.1's modules have at most 93 sections (kvm.ko); `-ffunction-sections` builds
    /// have one per function, a few tens of thousands.
    public static let sections = 1 << 18
    /// Debian 6.1's largest symbol table has 25 978 entries (amdgpu.ko).
    public static let symbols = 1 << 21
    /// Relocations read from the sections rules scan (debug sections are skipped), all
    /// sections together: Debian's largest single section has 152 049 (amdgpu.ko, ppc64el).
    public static let relocations = 1 << 23
}
