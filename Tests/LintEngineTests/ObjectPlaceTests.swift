import LintEngine
import Testing

@Suite struct ObjectPlaceTests {
    static func d(_ code: String, _ symbol: String?, _ place: ObjectPlace?, path: String = "m.ko") -> Diagnostic {
        Diagnostic(code: code, name: "n", severity: .warning, path: path, module: "m", message: code, symbol: symbol, place: place)
    }

    /// By file, then section, then address in the section; a finding without a place first.
    @Test func reportOrderIsFileSectionAddress() {
        let objectLate = Self.d("O001", "late", .inside("late", at: 512, offset: 8, section: ".data", element: ".owner"))
        let objectEarly = Self.d("O001", "early", .inside("early", at: 0, offset: 48, section: ".data", element: ".owner"))
        let reference = Self.d("X002", "early", .inside("early", at: 0, offset: 16, section: ".data"))
        let rodata = Self.d("O001", "ops", .inside("ops", at: 0, offset: 0, section: ".rodata", element: ".owner"))
        let imports = Self.d("U001", "sym", nil)
        let otherFile = Self.d("M001", nil, nil, path: "a.ko")
        let sorted = [objectLate, rodata, objectEarly, imports, reference, otherFile].sorted(by: Diagnostic.reportOrder)
        #expect(sorted == [otherFile, imports, reference, objectEarly, objectLate, rodata])
    }

    /// The schema-1 `offset`: from the finding's own symbol when the place is in it, else in the section.
    @Test func theLegacyOffsetIsAsEarlierReleasesWroteIt() {
        #expect(Self.d("X001", "f", .inside("f", at: 0x40, offset: 0x12, section: ".text")).legacyOffset == 0x12)
        #expect(Self.d("D001", "ids[2]", .inside("ids", at: 800, offset: 64, section: ".rodata", element: "[2]")).legacyOffset == 864)
        #expect(Self.d("D006", "ids", ObjectPlace(section: ".rodata", address: 416, symbol: "ids")).legacyOffset == 416)
        #expect(Self.d("X006", "init_fn", .inside("__this_module", at: 0, offset: 312, section: ".gnu.linkonce.this_module")).legacyOffset == 312)
        #expect(Self.d("U001", "sym", nil).legacyOffset == nil)
        // The section comes from the place when the rule gives none.
        #expect(Self.d("X001", "f", .inside("f", at: 0, offset: 0, section: ".text")).section == ".text")
    }
}
