import DebugInfo
import ModuleObject

/// The structures whose `struct module *` member the module must fill itself, so that the
/// core pins the module while the object is in use (kernel-facts §9.1). Data, not logic:
/// a new structure is one line.
enum OwnerFields {
    /// Structure name → name of its owner member.
    static let required: [String: String] = [
        "file_operations": "owner",
        "v4l2_file_operations": "owner",
        "block_device_operations": "owner",
        "file_system_type": "owner",
        "net_proto_family": "owner",
        "proto_ops": "owner",
        "proto": "owner",
        "tty_ldisc_ops": "owner",
        "watchdog_ops": "owner",
        "gpio_chip": "owner",
        "regulator_desc": "owner",
        "nvmem_config": "owner",
        "mtd_info": "owner",
        "fb_ops": "owner",
        "Qdisc_ops": "owner",
        "tcf_proto_ops": "owner",
        "tc_action_ops": "owner",
        "tcp_congestion_ops": "owner",
        "cdev": "owner",
        // Named differently.
        "crypto_alg": "cra_module",
        "scsi_host_template": "module",
        "genl_family": "module",
        "xt_match": "me",
        "xt_target": "me",
        "nf_conntrack_helper": "me",
        // Looked up by name and pinned with try_module_get() on the field while in use.
        "target_type": "module",                 // dm_get_target_type()
        "crypto_template": "module",             // crypto_lookup_template()
        "nft_expr_type": "owner",                // nft_expr_type_get()
        "nft_object_type": "owner",              // nft_obj_type_get()
        "tcp_ulp_ops": "owner",                  // tcp_set_ulp()
        "xfrm_type": "owner",                    // xfrm_get_type()
        "xfrm_type_offload": "owner",            // xfrm_get_type_offload()
        "lwtunnel_encap_ops": "owner",           // lwtunnel_build_state()
        "tcf_ematch_ops": "owner",               // tcf_em_lookup()
        "ip_set_type": "me",                     // find_set_type_get()
        "ip_vs_scheduler": "module",             // ip_vs_scheduler_get()
        "ip_vs_pe": "module",                    // __ip_vs_pe_getbyname()
        "nf_logger": "me",                       // nf_logger_find_get()
        "linux_binfmt": "module",                // search_binary_handler()
        "quota_format_type": "qf_owner",         // find_quota_format()
        "rpc_authops": "owner",                  // rpcauth_create()
        "xprt_class": "owner",                   // xprt_class_find_by_ident()
        "svc_xprt_class": "xcl_owner",           // svc_xprt_create()
        "pnfs_layoutdriver_type": "owner",       // find_pnfs_driver()
        "nfs_subversion": "owner",               // get_nfs_version()
        "uart_driver": "owner",                  // the tty_driver's owner, taken at open
        "pppox_proto": "owner",                  // pppox_create()
        "vsock_transport": "module",             // vsock_assign_transport()
        "nvmf_transport_ops": "module",          // nvmf_create_ctrl()
        "target_core_fabric_ops": "module",      // target_get_template()
        "iscsi_transport": "owner",              // iscsi_if_transport_lookup()
    ]

    /// The owner member's type: a structure whose member of that name has another type on
    /// the target kernel is not checked.
    static let ownerType = "struct module *"

    /// `struct device_driver` embedded in a bus's driver structure, and the import through
    /// which registering it passes THIS_MODULE on the target kernel (kernel-facts §9.2). The
    /// import names are what the target's registration macros expand to, so the table is
    /// version-aware by construction: 6.1's `register_virtio_driver(drv)` takes no owner,
    /// the ≈6.11 `__register_virtio_driver(drv, THIS_MODULE)` does.
    struct DriverRegistration: Sendable {
        let structName: String
        /// Paths from the structure to `device_driver.owner`; the first that exists in the
        /// module's DWARF is used (usb_driver nests it in `drvwrap` until 6.8).
        let ownerPaths: [[String]]
        let helpers: [String]
    }

    static let registrations: [DriverRegistration] = [
        DriverRegistration(structName: "pci_driver", ownerPaths: [["driver", "owner"]], helpers: ["__pci_register_driver"]),
        DriverRegistration(structName: "platform_driver", ownerPaths: [["driver", "owner"]],
                           helpers: ["__platform_driver_register", "__platform_driver_probe", "__platform_create_bundle",
                                     "__platform_register_drivers"]),
        DriverRegistration(structName: "usb_driver", ownerPaths: [["drvwrap", "driver", "owner"], ["driver", "owner"]],
                           helpers: ["usb_register_driver"]),
        DriverRegistration(structName: "i2c_driver", ownerPaths: [["driver", "owner"]], helpers: ["i2c_register_driver"]),
        DriverRegistration(structName: "spi_driver", ownerPaths: [["driver", "owner"]], helpers: ["__spi_register_driver"]),
        DriverRegistration(structName: "hid_driver", ownerPaths: [["driver", "owner"]], helpers: ["__hid_register_driver"]),
        DriverRegistration(structName: "serio_driver", ownerPaths: [["driver", "owner"]], helpers: ["__serio_register_driver"]),
        DriverRegistration(structName: "auxiliary_driver", ownerPaths: [["driver", "owner"]],
                           helpers: ["__auxiliary_driver_register"]),
        DriverRegistration(structName: "mei_cl_driver", ownerPaths: [["driver", "owner"]],
                           helpers: ["__mei_cldev_driver_register"]),
        DriverRegistration(structName: "phy_driver", ownerPaths: [["mdiodrv", "driver", "owner"]],
                           helpers: ["phy_drivers_register", "phy_driver_register"]),
        // The 2024 series ("store owner from modules with …"), ≈6.10/6.11.
        DriverRegistration(structName: "virtio_driver", ownerPaths: [["driver", "owner"]], helpers: ["__register_virtio_driver"]),
        DriverRegistration(structName: "amba_driver", ownerPaths: [["drv", "owner"]], helpers: ["__amba_driver_register"]),
        DriverRegistration(structName: "sdio_driver", ownerPaths: [["drv", "owner"]], helpers: ["__sdio_register_driver"]),
        DriverRegistration(structName: "acpi_driver", ownerPaths: [["drv", "owner"]], helpers: ["__acpi_bus_register_driver"]),
    ]
}
