import ModuleObject

/// The kernel a module is checked against. Rules whose answer depends on the kernel
/// generation (section classes, modpost's whitelist, loader layout) ask the profile and never
/// assume one version. The version is forced with `--kernel-version`, else read from the
/// module's own vermagic; unknown means "the newest rules".
public struct KernelProfile: Sendable, Hashable {
    public let version: KernelVersion?
    public let isForced: Bool

    public init(version: KernelVersion?, isForced: Bool) {
        self.version = version
        self.isForced = isForced
    }

    public static func of(_ module: ModuleObject, forced: KernelVersion?) -> KernelProfile {
        if let forced { return KernelProfile(version: forced, isForced: true) }
        return KernelProfile(version: module.modinfo.vermagic.flatMap(KernelVersion.init(vermagic:)), isForced: false)
    }

    /// True when the target is known to be older than `version`.
    public func isBefore(_ version: KernelVersion) -> Bool {
        guard let own = self.version else { return false }
        return own < version
    }
}
