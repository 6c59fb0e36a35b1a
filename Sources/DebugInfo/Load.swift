import ModuleObject

extension DebugInfo {
    /// Reads the DWARF of a module. Nil when the file has no debug info (built without it,
    /// or `strip --strip-debug`). Throws `DebugInfoError` when it is there and unreadable.
    /// Takes a module `ModuleObject.load` has already accepted. Without `declarations`, the
    /// functions and the variables the module only declares are not read (a quarter of the
    /// walk): the owner and device-table rules look at defined objects; only a finding's place
    /// needs the rest (`hasDeclarations`). The DIEs are read from the
    /// mapped file by modlint's own reader (`NativeDwarfReader`), with no lock and only the
    /// values the rules need relocated; what it leaves alone (compressed debug sections,
    /// 64-bit DWARF, type and split units, supplementary files) is read through libdwarf.
    /// The parts libdwarf 20210528 trusts are checked first either way (`DwarfPrecheck`), so
    /// both readers refuse the same broken files with the same words.
    public static func load(module: ModuleObject, declarations: Bool = true) throws(DebugInfoError) -> DebugInfo? {
        guard module.sections.contains(where: { $0.name == ".debug_info" }) else { return nil }
        enum Outcome {
            case read(DebugInfo?)
            case failed(DebugInfoError)
            case unsupported
        }
        let outcome: Outcome
        do {
            outcome = try module.withFileBytes { fileBytes -> Outcome in
                let file = fileBytes.bytes
                do throws(DebugInfoError) {
                    try DwarfPrecheck.check(module, file: file)
                } catch {
                    return .failed(error)
                }
                do throws(DwarfReadFailure) {
                    guard let reader = try NativeDwarfReader(module: module, file: file, mayReleasePages: fileBytes.isFileMapping,
                                                             declarations: declarations) else {
                        return .read(nil)
                    }
                    return .read(try reader.read())
                } catch {
                    switch error {
                    case .corrupt(let reason): return .failed(.corrupt(reason))
                    case .unsupported: return .unsupported
                    }
                }
            }
        } catch ModuleError.cannotOpen {
            throw .unreadable("cannot open \(module.path)")
        } catch {
            throw .unreadable("cannot read \(module.path): \(error)")
        }
        switch outcome {
        case .read(let info): return info
        case .failed(let error): throw error
        case .unsupported: return try loadWithLibdwarf(module: module)
        }
    }
}
