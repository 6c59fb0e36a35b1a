import Foundation

/// The programs the tests run, each with the Debian 12 package that installs it. A test that
/// needs one calls `Programs.require`, which fails the test naming the package when the program
/// is missing: a missing tool is never a silent pass or skip. `scripts/install-deps test`
/// installs every package named here (a test checks the two lists agree).
public enum Programs {
    /// Program name → Debian package.
    public static let packages: [String: String] = [
        "addr2line": "binutils",
        "aarch64-linux-gnu-addr2line": "binutils-aarch64-linux-gnu",
        "arm-linux-gnueabihf-addr2line": "binutils-arm-linux-gnueabihf",
        "s390x-linux-gnu-addr2line": "binutils-s390x-linux-gnu",
        "nm": "binutils",
        "readelf": "binutils",
        "depmod": "kmod",
        "xz": "xz-utils",
        "zstd": "zstd",
        "gzip": "gzip",
        "script": "bsdutils",
        "python3": "python3",
        "qemu-system-x86_64": "qemu-system-x86",
        "qemu-system-aarch64": "qemu-system-arm",
        "dkms": "dkms",
    ]

    /// The Python packages from PyPI that `scripts/install-deps test` puts in its virtual
    /// environment (when the `python3` on the PATH lacks them).
    public static let pythonPackages = ["jsonschema", "sarif-tools"]

    /// Where `scripts/install-deps` makes that virtual environment.
    public static var virtualEnvironment: String {
        let environment = ProcessInfo.processInfo.environment
        if let venv = environment["MODLINT_VENV"], !venv.isEmpty { return venv }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return cache + "/modlint/venv"
    }

    /// The folders searched: the PATH, then the system folders a non-root PATH may lack
    /// (depmod is in /usr/sbin).
    static var searchPath: [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
    }

    /// The full path of `name`, or nil when it is not installed.
    public static func find(_ name: String) -> String? {
        searchPath.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A required program is missing: the message names its package.
    public struct Missing: Error, CustomStringConvertible {
        public let program: String
        public let remedy: String
        public var description: String { "\(program) is not installed: \(remedy)" }

        public init(program: String, remedy: String) {
            self.program = program
            self.remedy = remedy
        }

        public static func debian(_ program: String) -> Missing {
            let package = packages[program] ?? "(unknown: add \(program) to Programs.packages)"
            return Missing(program: program, remedy: "install the Debian package \(package) (scripts/install-deps test installs every program the tests run)")
        }

        public static func pypi(_ program: String, _ pythonPackage: String) -> Missing {
            Missing(program: program, remedy: "scripts/install-deps test installs PyPI's \(pythonPackage) into \(virtualEnvironment) (with the Debian package python3-venv)")
        }
    }

    /// The full path of `name`; throws `Missing` (naming the package) when it is not installed.
    public static func require(_ name: String) throws -> String {
        if let path = find(name) { return path }
        throw Missing.debian(name)
    }

    /// A Python interpreter that can `import module`: the virtual environment of
    /// `scripts/install-deps`, else `python3` on the PATH.
    public static func python(importing module: String) -> String? {
        let candidates = [virtualEnvironment + "/bin/python3", find("python3")].compactMap { $0 }
        return candidates.first { python in
            guard FileManager.default.isExecutableFile(atPath: python),
                  let run = try? Command.run(python, ["-c", "import \(module)"]) else { return false }
            return run.status == 0
        }
    }

    /// As `python(importing:)`, throwing a message that says how to install it when none can.
    public static func requirePython(importing module: String, pythonPackage: String) throws -> String {
        if let python = python(importing: module) { return python }
        throw Missing.pypi("python3 with \(module)", pythonPackage)
    }

    /// A console script of a PyPI package: on the PATH, or in the virtual environment.
    public static func requirePythonTool(_ name: String, pythonPackage: String) throws -> String {
        if let path = find(name) { return path }
        let venv = virtualEnvironment + "/bin/" + name
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        throw Missing.pypi(name, pythonPackage)
    }
}
