#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LintEngine
import ModuleObject

/// D005: another module of the run, or a driver built into the kernel, claims modaliases this
/// module's device tables produce. One finding per pair of modules, listing the aliases.
public struct AliasClaimedElsewhere: Rule {
    public static let description = RuleDescription(
        code: "D005", name: "alias-claimed-elsewhere", defaultSeverity: .note,
        summary: "Another module of the run, or a built-in driver, claims modaliases this module's device tables produce, or patterns that match them.",
        rationale: """
            When a device appears, udev runs modprobe with its modalias and modprobe loads every \
            module whose alias matches: both modules are loaded and the one that registers first \
            binds the device; a driver built into the kernel has always registered first. Often \
            intended (radeon and amdgpu share the GPUs both can drive), sometimes a copied id \
            that sends the device to the wrong driver. depmod merges the claims without a word. \
            One finding per pair of modules, with the shared aliases, so that a maintainer reads \
            pairs, not thousands of lines. Overlaps where either side is a catch-all are left \
            out: a pattern that matches a whole class rather than a vendor's device (pci:v*d*… \
            with a class code, usb:v*p*… with an interface class, hid:…v*p*, input:…v*p*…, \
            ieee1394:ven*mo*…, sdio:c…v*d*, acpi class codes with ??, serio:ty…pr*id*ex* by port \
            type, and any pattern that gives no field a value, as pnp:d*) is written to share every \
            device of its class with the specific drivers: hid-generic, usb-storage, cdc-acm, \
            evdev. So are aliases that name no device to bind: cpu:type:… (x86cpu and cpu \
            tables) and dmi*… gate modules on the machine, and every module that matches is \
            meant to load (intel_cstate, intel_uncore and rapl claim the same CPU models; the \
            crypto modules of one CPU feature).
            """,
        fix: "Check that both drivers really handle the devices; if one should win, drop the ids from the other or blacklist it.",
        kernelVersions: "modules whose tables modlint decodes (tree mode: the aliases of this module's device tables against the alias= lines of the other modules linted with it and the built-in drivers of modules.builtin.modinfo; the same string or a glob that matches it as fnmatch would; patterns that merely overlap are not reported)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_dup.ko", alongside: ["linux-6.1-amd64/fx_devtab_rival.ko"], expected: [
                "fx_devtab_rival",
            ]),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_rival.ko", alongside: ["linux-6.1-amd64/fx_devtab_clean.ko"], expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_devtab_dup.ko", expected: []),
        ])

    public static let scope = RuleScope.runAliases

    public init() {}

    /// The shared aliases of one other module, in this module's order.
    struct Pair {
        let module: String
        let path: String
        let builtin: Bool
        var aliases: [String] = []
        var patterns: [String] = []
    }

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        var seen: Set<String> = []
        var pairs: [Pair] = []
        var index: [String: Int] = [:]
        // This module's side: the aliases its device tables produce (MODULE_ALIAS() lines such as
        // crypto algorithm names are shared on purpose). The other side: every alias= line of
        // the other modules, as depmod indexes them, and of the built-in drivers.
        for alias in module.deviceTableAliases where seen.insert(alias).inserted && !Self.isCatchAll(alias) && !Self.bindsNoDevice(alias) {
            // The same module twice (signed and unsigned copies, two trees) is not another claimant.
            for other in context.aliases.claimants(covering: alias)
            where other.path != module.path && other.module != module.name && !Self.isCatchAll(other.alias) {
                let key = other.path + "\u{0}" + other.module
                let at = index[key] ?? {
                    pairs.append(Pair(module: other.module, path: other.path, builtin: other.builtin))
                    index[key] = pairs.count - 1
                    return pairs.count - 1
                }()
                if pairs[at].aliases.last != alias { pairs[at].aliases.append(alias) }
                if other.alias != alias && !pairs[at].patterns.contains(other.alias) { pairs[at].patterns.append(other.alias) }
            }
        }
        var found: [Diagnostic] = []
        var claims: Claims?
        for pair in pairs {
            // One finding per pair: when the other module's tables hit this one's claims too, it
            // reports the pair itself if its name sorts first.
            if !pair.builtin, pair.module < module.name {
                if claims == nil { claims = Claims(context.aliases.moduleClaims[module.path] ?? []) }
                if claims!.cover(context.aliases.deviceTableAliases[pair.path] ?? []) { continue }
            }
            let shown = pair.aliases.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            let more = pair.aliases.count > 3 ? " and \(pair.aliases.count - 3) more" : ""
            let via = pair.patterns.isEmpty ? "" : " (by \(pair.patterns.count == 1 ? "its pattern" : "its patterns") \(pair.patterns.prefix(2).map { "'\($0)'" }.joined(separator: ", "))\(pair.patterns.count > 2 ? " …" : ""))"
            let who = pair.builtin ? "the built-in driver \(pair.module)" : pair.module
            let consequence = pair.builtin
                ? "the built-in driver binds them first and this module only loads"
                : "modprobe loads both for a matching device"
            found.append(context.diagnostic(
                Self.description,
                "\(pair.aliases.count) modalias\(pair.aliases.count == 1 ? "" : "es") of this module's device tables \(pair.aliases.count == 1 ? "is" : "are") also claimed by \(who)\(via): \(shown)\(more); \(consequence)",
                symbol: pair.module, section: SectionNames.modinfo))
        }
        return found
    }

    /// Whether one of `claims` (alias= lines, patterns or strings) covers one of `aliases`,
    /// leaving catch-alls out on both sides.
    /// A module's alias= claims, indexed once for all the pairs it is in.
    struct Claims {
        let plain: Set<String>
        /// The glob claims as C strings, converted once rather than at every fnmatch.
        let patterns: [ContiguousArray<CChar>]

        init(_ claims: [String]) {
            plain = Set(claims)
            patterns = claims.filter { $0.contains(where: { "*?[".contains($0) }) && !AliasClaimedElsewhere.isCatchAll($0) }
                .map(\.utf8CString)
        }

        /// Whether one of `aliases` (not a catch-all) is claimed, as the string or by a pattern.
        func cover(_ aliases: [String]) -> Bool {
            for alias in aliases where !AliasClaimedElsewhere.isCatchAll(alias) {
                if plain.contains(alias) { return true }
                guard !patterns.isEmpty else { continue }
                let text = alias.utf8CString
                for pattern in patterns where pattern.withUnsafeBufferPointer({ p in
                    text.withUnsafeBufferPointer { fnmatch(p.baseAddress!, $0.baseAddress!, 0) == 0 }
                }) { return true }
            }
            return false
        }
    }

    /// A pattern written to match a whole bus class rather than one vendor's device: neither
    /// vendor nor device (product, model) is given.
    static func isCatchAll(_ alias: String) -> Bool {
        func after(_ prefix: String) -> Substring? { alias.hasPrefix(prefix) ? alias.dropFirst(prefix.count) : nil }
        if let rest = after("pci:") ?? after("vfio_pci:") { return rest.hasPrefix("v*d*") }
        if let rest = after("usb:") { return rest.hasPrefix("v*p*") }
        if let rest = after("hid:") { return rest.hasSuffix("v*p*") }
        if let rest = after("input:") { return rest.contains("v*p*") }
        if let rest = after("ieee1394:") { return rest.hasPrefix("ven*mo*") }
        if let rest = after("sdio:") { return rest.contains("v*d*") }
        if let rest = after("acpi*:") { return rest.contains("??") }
        if let rest = after("serio:") { return rest.hasSuffix("pr*id*ex*") }
        return matchesWholeBus(alias)
    }

    /// A pattern that gives no value for any field: `pnp:d*` (tpm_tis's empty id),
    /// `pci:v*d*sv*sd*bc*sc*i*`: every field marker (one to three lower-case letters) is
    /// followed by a wildcard alone. Buses whose aliases are names (`i2c:foo*`) have no markers.
    static func matchesWholeBus(_ alias: String) -> Bool {
        guard let colon = alias.firstIndex(of: ":"), !namedBuses.contains(String(alias[..<colon])) else { return false }
        let rest = alias[alias.index(after: colon)...]
        guard rest.last == "*" else { return false }
        return rest.split(separator: "*", omittingEmptySubsequences: true).allSatisfy { marker in
            (1...3).contains(marker.count) && marker.allSatisfy { ("a"..."z").contains($0) }
        }
    }

    static let namedBuses: Set<String> = [
        "i2c", "spi", "platform", "rpmsg", "auxiliary", "mhi", "mhi_ep", "vchiq", "wmi", "of", "acpi*", "dmi*", "mdio",
        "amba", "slim", "fsl-mc", "ishtp", "tee", "vmbus", "mei",
    ]

    /// Aliases that name no device to bind: x86cpu and cpu tables (`cpu:type:…`) and DMI
    /// tables (`dmi*…`) gate modules on the machine they run on; every module that matches is
    /// meant to load (intel_cstate, intel_uncore and rapl all claim the same CPU models).
    static func bindsNoDevice(_ alias: String) -> Bool {
        alias.hasPrefix("cpu:type:") || alias.hasPrefix("dmi*")
    }
}
