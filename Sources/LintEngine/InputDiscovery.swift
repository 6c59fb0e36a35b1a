#if canImport(Glibc)
import Glibc
#endif

/// Turns the paths of the command line into the list of module files to read.
public enum InputDiscovery {
    /// Names a directory walk picks up. Plain `.o` objects are read only when named
    /// explicitly: a kbuild output directory holds `foo.o`, `foo.mod.o` and `foo.ko` of the
    /// same module.
    public static let moduleSuffixes = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"]

    public static func isModuleName(_ name: String) -> Bool {
        moduleSuffixes.contains { name.hasSuffix($0) }
    }

    /// Every file named, and every module file under each directory named, sorted within
    /// each directory so runs are reproducible. Symbolic links to directories are not
    /// followed (a `/lib/modules/<ver>` tree links `build` and `source` to header trees).
    /// A path that does not exist is kept: reading it reports the error.
    public static func discover(_ paths: [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            var status = stat()
            if stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
                walk(directory: path, into: &files)
            } else {
                files.append(path)
            }
        }
        return files
    }

    private static func walk(directory: String, into files: inout [String]) {
        guard let dir = opendir(directory) else { return }
        // The entry type comes with the name on every file system a module tree lives on:
        // no stat per file. DT_UNKNOWN (some network file systems) falls back to lstat.
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(dir)
        entries.sort { $0.name < $1.name }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for (name, type) in entries {
            let path = prefix + name
            var kind = type
            if kind == UInt8(DT_UNKNOWN) {
                var status = stat()
                guard lstat(path, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: kind = UInt8(DT_DIR)
                case S_IFREG: kind = UInt8(DT_REG)
                case S_IFLNK: kind = UInt8(DT_LNK)
                default: continue
                }
            }
            switch kind {
            case UInt8(DT_DIR):
                walk(directory: path, into: &files)
            case UInt8(DT_REG):
                if isModuleName(name) { files.append(path) }
            case UInt8(DT_LNK):
                var target = stat()
                if isModuleName(name), stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFREG { files.append(path) }
            default:
                break
            }
        }
    }
}
