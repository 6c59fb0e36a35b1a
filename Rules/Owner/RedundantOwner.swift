import DebugInfo
import LintEngine
import ModuleObject

/// O002: `.driver.owner = THIS_MODULE` set by hand in a driver structure whose registration
/// helper sets it anyway.
public struct RedundantOwner: Rule {
    public static let description = RuleDescription(
        code: "O002", name: "redundant-owner", defaultSeverity: .note,
        summary: "A bus driver structure sets .driver.owner = THIS_MODULE although the registration helper the module calls already does.",
        rationale: """
            pci_register_driver, platform_driver_register, usb_register, i2c_add_driver, \
            spi_register_driver, hid_register_driver and others are macros that pass THIS_MODULE to \
            the bus, which stores it in driver.owner; the kernel's platform_no_drv_owner Coccinelle \
            script flags the manual assignment ("No need to set .owner here. The core will do it."). \
            Which helpers do so depends on the kernel: virtio, amba, sdio and acpi gained it in 2024 \
            (≈6.10/6.11), so the check goes by the helper the module actually imports.
            """,
        fix: "Drop the `.owner = THIS_MODULE` line from the driver's `.driver` initialiser.",
        kernelVersions: "all (by the owner-taking registration helpers the module imports)",
        examples: [
            RuleExample(fixture: "linux-6.1-amd64/fx_owner.ko", expected: ["fx_pci_driver", "fx_platform_driver"]),
            RuleExample(fixture: "linux-6.1-amd64/fx_owner_ok.ko", expected: []),
            RuleExample(fixture: "linux-6.1-amd64/fx_clean.ko", expected: []),
        ])

    public init() {}

    public func check(_ context: ModuleContext) -> [Diagnostic] {
        let module = context.module
        let imports = module.importNames
        // Without an owner-taking helper among the imports nothing can be redundant: no
        // need to read the DWARF at all.
        let applicable = OwnerFields.registrations.filter { !imports.isDisjoint(with: $0.helpers) }
        guard !applicable.isEmpty, let debugInfo = context.debugInfo else { return [] }
        let stored = ThisModuleReferences(module)
        let release = TargetRelease.of(module).map { " on \($0)" } ?? ""
        var found: [Diagnostic] = []
        for object in TypedObject.all(in: module, debugInfo: debugInfo) {
            guard let registration = applicable.first(where: { $0.structName == object.structName }),
                  !object.variable.isArray,
                  let (path, member) = registration.ownerPaths.lazy
                    .compactMap({ path in debugInfo.member(path: path, in: object.structName).map { (path, $0) } }).first,
                  member.typeName == OwnerFields.ownerType else { continue }
            let (place, overflow) = object.symbol.value.addingReportingOverflow(member.offset)
            guard !overflow, stored.contains(section: object.section.index, offset: place) else { continue }
            let helper = registration.helpers.first { imports.contains($0) } ?? registration.helpers[0]
            found.append(context.diagnostic(
                Self.description,
                "'\(object.symbol.name)' (struct \(object.structName)) sets .\(path.joined(separator: ".")) = THIS_MODULE by hand; \(helper)() already does\(release)",
                symbol: object.symbol.name,
                place: .inside(object.symbol.name, at: object.symbol.value, offset: member.offset, section: object.section.name,
                               element: "." + path.joined(separator: ".")),
                location: object.variable.location))
        }
        return found
    }
}
