import ModuleObject
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the module's file says about the bytes of its objects: whether an object (or one
/// element of an array) is blank, that is all zero with no relocation into it. A blank
/// object has no initialiser at all: it is filled at run time (the zero-filled
/// `nf_conntrack_helper` arrays that nf_ct_helper_init() fills), or it is the all-zero
/// terminator of an array. `ModuleObject` keeps no section bytes, so they are read here,
/// from the file, for the few objects that need it.
struct ObjectContents {
    private let module: ModuleObject
    /// Sorted offsets of the relocations that apply to each section.
    private var relocated: [Int: [UInt64]] = [:]
    private var image: [UInt8]??

    init(_ module: ModuleObject) {
        self.module = module
        for relocationSection in module.relocationSections {
            relocated[relocationSection.targetSectionIndex, default: []]
                .append(contentsOf: relocationSection.relocations.map(\.offset))
        }
        for key in relocated.keys { relocated[key]!.sort() }
    }

    /// A relocation applies somewhere in `start..<end` of the section.
    func hasRelocation(section: Int, from start: UInt64, to end: UInt64) -> Bool {
        guard let offsets = relocated[section], !offsets.isEmpty else { return false }
        var low = 0, high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < start { low = middle + 1 } else { high = middle }
        }
        return low < offsets.count && offsets[low] < end
    }

    /// The bytes at `offset` of a section that occupies the file; nil when they cannot be read.
    mutating func bytes(section index: Int, offset: UInt64, count: UInt64) -> [UInt8]? {
        guard index < module.sections.count, count <= 1 << 24 else { return nil }
        let section = module.sections[index]
        guard section.occupiesFile, offset <= section.size, count <= section.size - offset else { return nil }
        let (start, overflow) = section.offset.addingReportingOverflow(offset)
        guard !overflow, start <= module.fileSize, count <= module.fileSize - start else { return nil }
        if image == nil { image = .some(try? ModuleObject.decompressedImage(path: module.path)) }
        if let decompressed = image ?? nil {
            guard start + count <= UInt64(decompressed.count) else { return nil }
            return Array(decompressed[Int(start) ..< Int(start + count)])
        }
        let fd = open(module.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Int(count))
        let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        return read == Int(count) ? buffer : nil
    }

    /// `count` elements of `size` bytes from `offset`: for each, whether it is blank (all
    /// zero, no relocation into it). An object in a section without file bytes (.bss) is
    /// blank throughout; unreadable bytes count as not blank.
    mutating func blankElements(section index: Int, offset: UInt64, size: UInt64, count: UInt64) -> [Bool] {
        guard index < module.sections.count else { return Array(repeating: false, count: Int(count)) }
        let section = module.sections[index]
        if !section.occupiesFile { return Array(repeating: true, count: Int(count)) }
        let (total, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, let all = bytes(section: index, offset: offset, count: total) else {
            return Array(repeating: false, count: Int(count))
        }
        return (0..<count).map { element in
            let start = element * size
            guard all[Int(start) ..< Int(start + size)].allSatisfy({ $0 == 0 }) else { return false }
            return !hasRelocation(section: index, from: offset + start, to: offset + start + size)
        }
    }
}

/// Places in the module's data that its own code stores to: `kvm_chardev_ops.owner = module`
/// in kvm_init, `ips_driver_template.module = THIS_MODULE`. x86-64 only, where the store is
/// told from a load or an address taken (`lea obj(%rip)`, which would name the owner field at
/// offset 0 of file_operations as well) by its opcode: `mov r64, disp32(%rip)` (89 /r) or
/// `mov $imm32, disp32(%rip)` (C7 /0), the displacement being the relocated place. The
/// addend is the field less the bytes that follow the displacement (4, or 8 with the
/// immediate). Other architectures are not decoded: their findings stay.
struct CodeStores {
    private var places: Set<DataPlace> = []

    init(_ module: ModuleObject, contents: inout ObjectContents) {
        guard module.identity.machine == .x86_64 else { return }
        for relocationSection in module.relocationSections {
            let from = relocationSection.targetSectionIndex
            guard from < module.sections.count, module.sections[from].isExecutable,
                  relocationSection.relocations.contains(where: { relocation in
                      relocation.symbolIndex < module.symbols.count && module.symbols[relocation.symbolIndex].sectionIndex.map {
                          $0 < module.sections.count && !module.sections[$0].isExecutable && module.sections[$0].isAllocated
                      } == true
                  }),
                  let code = contents.bytes(section: from, offset: 0, count: module.sections[from].size) else { continue }
            for relocation in relocationSection.relocations where relocation.addendIsKnown {
                guard relocation.symbolIndex < module.symbols.count, relocation.offset >= 2,
                      relocation.offset < UInt64(code.count) else { continue }
                let symbol = module.symbols[relocation.symbolIndex]
                guard let section = symbol.sectionIndex, section < module.sections.count,
                      !module.sections[section].isExecutable else { continue }
                let opcode = code[Int(relocation.offset) - 2], modrm = code[Int(relocation.offset) - 1]
                // mod 00, r/m 101: RIP-relative. C7 needs reg field 0.
                guard modrm & 0xC7 == 0x05 else { continue }
                let following: UInt64
                switch opcode {
                case 0x89: following = 4
                case 0xC7 where modrm & 0x38 == 0: following = 8
                default: continue
                }
                let target = UInt64(bitPattern: Int64(bitPattern: symbol.value) &+ relocation.addend) &+ following
                places.insert(DataPlace(section: section, offset: target))
            }
        }
    }

    func contains(section: Int, offset: UInt64) -> Bool { places.contains(DataPlace(section: section, offset: offset)) }
}
