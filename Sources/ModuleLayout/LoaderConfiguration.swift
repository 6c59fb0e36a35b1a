import ModuleObject

/// What the module loader of the target kernel does with a module's sections, as far as it
/// changes the memory it allocates: the layout generation, the page size and the three
/// configuration options the layout code tests.
public struct LoaderConfiguration: Sendable, Hashable {
    public enum Generation: String, Sendable, Hashable {
        /// ≤ 6.3: one core and one init layout; pass boundaries and totals are page-rounded
        /// only with CONFIG_STRICT_MODULE_RWX.
        case coreAndInitLayouts = "core-init-layouts"
        /// ≥ 6.4 (`struct module_memory`): text, data, rodata and ro_after_init (and three
        /// init regions) are allocated separately and each is page-rounded, always.
        case moduleMemory = "module-memory"
    }

    public var generation: Generation
    public var pageSize: UInt64
    /// CONFIG_STRICT_MODULE_RWX: page-rounded pass boundaries on ≤ 6.3.
    public var strictModuleRWX: Bool
    /// CONFIG_MODULE_UNLOAD: when off, `.exit*` sections are laid out with init and freed.
    public var moduleUnload: Bool
    /// CONFIG_KALLSYMS_ALL: the core symbol table keeps data symbols too, not only text.
    public var kallsymsAll: Bool
    /// CONFIG_KALLSYMS: without it no symbol table is kept at all.
    public var kallsyms: Bool
    /// 6.16 and later (kernel/module/strict_rwx.c module_mark_ro_after_init): every section
    /// named `.data..ro_after_init` or `__jump_table` is ro_after_init, not only the first one
    /// find_sec finds, and with CONFIG_HAVE_STATIC_CALL_INLINE (x86-64) `.static_call_sites`
    /// too, which earlier kernels lay out with the writable data.
    public var roAfterInitByName: Bool
    /// CONFIG_HAVE_STATIC_CALL_INLINE: `.static_call_sites` is ro_after_init (6.16 on).
    public var staticCallInline: Bool
    /// CONFIG_MEM_ALLOC_PROFILING from 6.13 on: a module's `alloc_tags` section is not laid out
    /// in its data region but loaded into the allocation tags' own contiguous area
    /// (codetag_needs_module_section). Off in Debian's kernels.
    public var allocTagsApart: Bool
    /// CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC (32-bit powerpc): the data regions come from
    /// vmalloc, and sysfs `coresize` shows the text region alone (`datasize` the data).
    public var modulesDataInVmalloc: Bool

    public init(generation: Generation, pageSize: UInt64 = 4096, strictModuleRWX: Bool = true,
                moduleUnload: Bool = true, kallsymsAll: Bool = false, kallsyms: Bool = true,
                roAfterInitByName: Bool = false, staticCallInline: Bool = false,
                allocTagsApart: Bool = false, modulesDataInVmalloc: Bool = false) {
        self.generation = generation
        self.pageSize = pageSize
        self.strictModuleRWX = strictModuleRWX
        self.moduleUnload = moduleUnload
        self.kallsymsAll = kallsymsAll
        self.kallsyms = kallsyms
        self.roAfterInitByName = roAfterInitByName
        self.staticCallInline = staticCallInline
        self.allocTagsApart = allocTagsApart
        self.modulesDataInVmalloc = modulesDataInVmalloc
    }

    public static let moduleMemoryRelease = KernelVersion(6, 4)
    /// The modules pull of 6.16-rc1: "Make .static_call_sites in modules read-only after init".
    public static let roAfterInitByNameRelease = KernelVersion(6, 16)
    /// "alloc_tag: load module tags into separate contiguous memory" (6.13).
    public static let allocTagsApartRelease = KernelVersion(6, 13)

    public static func generation(of version: KernelVersion?) -> Generation {
        guard let version else { return .moduleMemory }
        return version < moduleMemoryRelease ? .coreAndInitLayouts : .moduleMemory
    }

    /// Debian's kernel configuration for the architecture (bookworm's 6.1 configs: every
    /// architecture has STRICT_MODULE_RWX and MODULE_UNLOAD but mips64el, which has no
    /// STRICT_MODULE_RWX; only amd64 enables KALLSYMS_ALL; ppc64el uses 64 KiB pages. From
    /// trixie's 6.12 on, arm64 and riscv64 enable KALLSYMS_ALL too; only x86-64 has
    /// HAVE_STATIC_CALL_INLINE).
    public static func debian(machine: Machine, version: KernelVersion?) -> LoaderConfiguration {
        let modern = version.map { $0 >= KernelVersion(6, 12) } ?? true
        return LoaderConfiguration(
            generation: generation(of: version),
            pageSize: machine == .ppc64 ? 65536 : 4096,
            strictModuleRWX: machine != .mips,
            moduleUnload: true,
            kallsymsAll: machine == .x86_64 || (modern && (machine == .aarch64 || machine == .riscv)),
            roAfterInitByName: version.map { $0 >= roAfterInitByNameRelease } ?? true,
            staticCallInline: machine == .x86_64)
    }

    /// This configuration with the settings a kernel `.config` makes explicit.
    public func applying(_ config: KernelConfig) -> LoaderConfiguration {
        var out = self
        if let version = config.version {
            out.generation = LoaderConfiguration.generation(of: version)
            out.roAfterInitByName = version >= LoaderConfiguration.roAfterInitByNameRelease
        }
        if let value = config.bool("HAVE_STATIC_CALL_INLINE") { out.staticCallInline = value }
        if let value = config.bool("MEM_ALLOC_PROFILING") {
            // Before 6.13 the section is laid out with the data like any other.
            out.allocTagsApart = value && (config.version.map { $0 >= LoaderConfiguration.allocTagsApartRelease } ?? true)
        }
        if let value = config.bool("ARCH_WANTS_MODULES_DATA_IN_VMALLOC") { out.modulesDataInVmalloc = value }
        if let page = config.pageSize { out.pageSize = page }
        if let value = config.bool("STRICT_MODULE_RWX") { out.strictModuleRWX = value }
        if let value = config.bool("MODULE_UNLOAD") { out.moduleUnload = value }
        if let value = config.bool("KALLSYMS_ALL") { out.kallsymsAll = value }
        if let value = config.bool("KALLSYMS") { out.kallsyms = value }
        return out
    }
}

/// A kernel `.config` (`/boot/config-*`): `CONFIG_X=value` lines and `# CONFIG_X is not set`.
public struct KernelConfig: Sendable, Hashable {
    /// Values by option name without the `CONFIG_` prefix; "n" for "is not set".
    public let values: [String: String]
    /// From the header line `# Linux/x86 6.1.176 Kernel Configuration`.
    public let version: KernelVersion?

    public init(values: [String: String], version: KernelVersion? = nil) {
        self.values = values
        self.version = version
    }

    public init(text: String) {
        var values: [String: String] = [:]
        var version: KernelVersion?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("# CONFIG_"), line.hasSuffix(" is not set") {
                let name = line.dropFirst("# CONFIG_".count).dropLast(" is not set".count)
                values[String(name)] = "n"
            } else if line.hasPrefix("CONFIG_"), let eq = line.firstIndex(of: "=") {
                let name = line[line.index(line.startIndex, offsetBy: "CONFIG_".count)..<eq]
                var value = String(line[line.index(after: eq)...])
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                values[String(name)] = value
            } else if version == nil, line.hasPrefix("# Linux/"), line.hasSuffix("Kernel Configuration") {
                let words = line.split(separator: " ")
                if words.count >= 3 { version = KernelVersion(parsing: String(words[2])) }
            }
        }
        self.init(values: values, version: version)
    }

    /// y/m → true, n → false, absent → nil.
    public func bool(_ name: String) -> Bool? {
        guard let value = values[name] else { return nil }
        return value == "y" || value == "m"
    }

    /// The page size the configuration selects, when it names one.
    public var pageSize: UInt64? {
        let sixtyFour = ["PAGE_SIZE_64KB", "PPC_64K_PAGES", "ARM64_64K_PAGES"]
        let sixteen = ["PAGE_SIZE_16KB", "ARM64_16K_PAGES", "PPC_16K_PAGES"]
        let four = ["PAGE_SIZE_4KB", "PPC_4K_PAGES", "ARM64_4K_PAGES"]
        if sixtyFour.contains(where: { bool($0) == true }) { return 65536 }
        if sixteen.contains(where: { bool($0) == true }) { return 16384 }
        if four.contains(where: { bool($0) == true }) { return 4096 }
        if let shift = values["PAGE_SHIFT"].flatMap(Int.init), (12...18).contains(shift) { return 1 << UInt64(shift) }
        return nil
    }
}

/// What the command line and `.modlint.yml` say about the target's loader, on top of the
/// per-architecture defaults.
public struct LoaderOverrides: Sendable, Hashable {
    public var pageSize: UInt64?
    public var kernelConfig: KernelConfig?

    public init(pageSize: UInt64? = nil, kernelConfig: KernelConfig? = nil) {
        self.pageSize = pageSize
        self.kernelConfig = kernelConfig
    }

    public static let none = LoaderOverrides()

    /// The configuration for one module: Debian's defaults for its architecture and the
    /// kernel generation, then the kernel config, then `--page-size`.
    public func configuration(machine: Machine, version: KernelVersion?) -> LoaderConfiguration {
        var out = LoaderConfiguration.debian(machine: machine, version: version)
        if let kernelConfig { out = out.applying(kernelConfig) }
        if let pageSize { out.pageSize = pageSize }
        return out
    }
}
