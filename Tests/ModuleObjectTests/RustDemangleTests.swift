import ModuleObject
import Testing

/// Rust symbol names of Debian sid's 7.2 modules (qt2025, ax88796b_rust, drm's panic QR code
/// encoder), demangled as binutils' `c++filt` does, without the crate hashes.
@Suite struct RustDemangleTests {
    static let v0: [(String, String)] = [
        ("_RNvNtCsbZfwWpAStWS_4core9panicking18panic_bounds_check", "core::panicking::panic_bounds_check"),
        ("_RNvCs1lago9ikuyD_6qt202511THIS_MODULE", "qt2025::THIS_MODULE"),
        ("_RNvMs4_Cs5rV5HccVfry_12drm_panic_qrNtB5_7QrImage11is_reserved", "<drm_panic_qr::QrImage>::is_reserved"),
        ("_RNvMNtNtCsdJ13ReMSUMg_6kernel3net3phyNtB2_6Device21resolve_aneg_linkmode",
         "<kernel::net::phy::Device>::resolve_aneg_linkmode"),
        ("_RNvNtNtCshyw1FhInAOR_13ax88796b_rust13___module_init13___module_init17___RUST_ASIX_PHY_5",
         "ax88796b_rust::__module_init::__module_init::__RUST_ASIX_PHY_5"),
        ("_RNvXs4_NtNtCsdJ13ReMSUMg_6kernel3net3phyNtB5_12RegistrationNtNtNtCsbZfwWpAStWS_4core3ops4drop4Drop4drop",
         "<kernel::net::phy::Registration as core::ops::drop::Drop>::drop"),
        ("_RNvXs_Cs1lago9ikuyD_6qt2025NtB4_9PhyQT2025NtNtNtCsdJ13ReMSUMg_6kernel3net3phy6Driver5probe",
         "<qt2025::PhyQT2025 as kernel::net::phy::Driver>::probe"),
        // An inherent impl on a generic type, with an instantiating crate after the path.
        ("_RNvMs0_NtNtCsdJ13ReMSUMg_6kernel3net3phyINtB5_7AdapterNtCshyw1FhInAOR_13ax88796b_rust11PhyAX88772AE19soft_reset_callbackBS_",
         "<kernel::net::phy::Adapter<ax88796b_rust::PhyAX88772A>>::soft_reset_callback"),
        // Generic arguments of a value path (`::<`), closures with and without a disambiguator.
        ("_RINvNtNtCsdJ13ReMSUMg_6kernel2io4poll17read_poll_timeoutNCNvXs_Cs1lago9ikuyD_6qt2025NtBZ_9PhyQT2025NtNtNtB6_3net3phy6Driver5probe0NCBU_s_0tEBZ_",
         "kernel::io::poll::read_poll_timeout::<<qt2025::PhyQT2025 as kernel::net::phy::Driver>::probe::{closure#0}, "
            + "<qt2025::PhyQT2025 as kernel::net::phy::Driver>::probe::{closure#1}, u16>"),
        // Unit type, type back references and generics inside generics.
        ("_RNCINvNtNtNtCsbZfwWpAStWS_4core4iter8adapters3map12map_try_foldjNtCs5rV5HccVfry_12drm_panic_qr7VersionuINtNtNtBa_3ops12control_flow11ControlFlowB10_ENcB10_0NCINvNvNtNtNtB8_6traits8iterator8Iterator4find5checkB10_NCNvMB12_B10_13from_segments0E0E0B12_",
         "core::iter::adapters::map::map_try_fold::<usize, drm_panic_qr::Version, (), core::ops::control_flow::ControlFlow<drm_panic_qr::Version>, "
            + "drm_panic_qr::Version, core::iter::traits::iterator::Iterator::find::check<drm_panic_qr::Version, "
            + "<drm_panic_qr::Version>::from_segments::{closure#0}>::{closure#0}>::{closure#0}"),
    ]

    @Test(arguments: v0.indices)
    func demanglesV0NamesOfTheSidTree(_ index: Int) {
        let (mangled, expected) = Self.v0[index]
        #expect(RustDemangle.demangle(mangled) == expected)
    }

    /// The legacy mangling: the hash element dropped, `$…$` escapes and `..` decoded.
    @Test func demanglesLegacyNames() {
        #expect(RustDemangle.demangle("_ZN4core9panicking5panic17h1a2b3c4d5e6f7a8bE") == "core::panicking::panic")
        #expect(RustDemangle.demangle("_ZN57_$LT$kernel..error..Error$u20$as$u20$core..fmt..Debug$GT$3fmt17h0123456789abcdefE")
                == "<kernel::error::Error as core::fmt::Debug>::fmt")
        #expect(RustDemangle.demangle("_ZN6kernel5print11call_printk17h8f1e2d3c4b5a6978E.llvm.1234") == "kernel::print::call_printk")
    }

    /// Types the sid tree does not use: references, slices, tuples, arrays with constants,
    /// function pointers with a binder, trait objects with an associated type.
    @Test func demanglesTheRestOfTheTypeGrammar() {
        #expect(RustDemangle.demangle("_RINvCs1_3foo3barQShTlEAbj3_PeE") == "foo::bar::<&mut [u8], (i32,), [bool; 3], *const str>")
        #expect(RustDemangle.demangle("_RINvCs1_3foo3barFG_RL0_hEbE") == "foo::bar::<for<'a> fn(&'a u8) -> bool>")
        #expect(RustDemangle.demangle("_RINvCs1_3foo3barDNtCs1_3foo8Iteratorp4ItemhEL_E") == "foo::bar::<dyn foo::Iterator<Item = u8>>")
        #expect(RustDemangle.demangle("_RINvCs1_3foo3barKanb_Kb0_Kb1_Kc61_E") == "foo::bar::<-11, false, true, 'a'>")
        #expect(RustDemangle.demangle("_RINvCs1_3foo3barFUKCEuE") == "foo::bar::<unsafe extern \"C\" fn()>")
    }

    /// Names that are not Rust's, or are broken, stay mangled: C and C++ names, truncated
    /// names, back references to themselves or ahead, nesting without end.
    @Test func refusesWhatIsNotAWellFormedRustName() {
        for name in ["printk", "_R", "_RC", "_ZN3foo3barEv", "_ZN3foo3barE",
                     "_RNvCs1_3foo", "_RNvCs1_3foo99bar", "_RB_", "_RNvB0_3foo", "_RNvB9_3foo", "_R0NvC3foo3bar",
                     "_RNvC3foo3bar.", "_ZN3foo3bar17h0123456789abcdefEX",
                     "_R" + String(repeating: "NvNv", count: 400) + "C3foo" + String(repeating: "3bar", count: 800)] {
            let result = RustDemangle.demangle(name)
            if name == "_RNvC3foo3bar." {
                #expect(result == "foo::bar")
            } else {
                #expect(result == nil, "\(name.prefix(40)) → \(result ?? "")")
            }
        }
    }
}
