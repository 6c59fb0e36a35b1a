import Dispatch
import Foundation
import ModuleObject

/// A directory of modules read as a symbol source, and the facts of a `/lib/modules/<release>`
/// tree (its release, its `build` link). Which directories are installed trees is the run's
/// policy (LintEngine's RunPlan).
public enum ModuleTree {
    static let moduleSuffixes = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"]

    /// The release a tree is for: its directory name, as `/lib/modules/$(uname -r)`.
    public static func release(of tree: String) -> String? {
        let trimmed = tree.hasSuffix("/") ? String(tree.dropLast()) : tree
        guard let name = trimmed.split(separator: "/").last, !name.isEmpty else { return nil }
        return String(name)
    }

    /// `build/Module.symvers` of a module tree. `build` is a link to the kernel's build or
    /// headers directory; Debian makes it absolute (`/usr/src/linux-headers-<release>`), so
    /// for a tree unpacked under another root (`<root>/lib/modules/<release>`) the target is
    /// looked for under that root first, then as it stands.
    public static func buildSymvers(of tree: String) -> String? {
        let trimmed = tree.hasSuffix("/") ? String(tree.dropLast()) : tree
        let link = trimmed + "/build"
        var candidates: [String] = []
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
            if target.hasPrefix("/") {
                let components = trimmed.split(separator: "/", omittingEmptySubsequences: false)
                // <root>/lib/modules/<release>
                if components.count >= 4, components[components.count - 3] == "lib", components[components.count - 2] == "modules" {
                    let root = components.dropLast(3).joined(separator: "/")
                    if !root.isEmpty { candidates.append(root + target + "/Module.symvers") }
                }
                candidates.append(target + "/Module.symvers")
            } else {
                candidates.append(trimmed + "/" + target + "/Module.symvers")
            }
        } else {
            candidates.append(link + "/Module.symvers")
        }
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// Every module file under `directory` (links to directories are not followed: a tree's
    /// `build` and `source` point at header trees), sorted.
    public static func moduleFiles(under directory: String) -> [String] {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if moduleSuffixes.contains(where: { relative.hasSuffix($0) }) { files.append(base + relative) }
        }
        return files.sorted()
    }

    /// What a module tree tells about its kernel: the exports of all its modules (owner =
    /// module name, CRC from `__kcrctab`) and the vermagic most of its modules carry.
    public struct Contents: Sendable {
        public let exports: [KernelExport]
        public let vermagic: String?
        public let modules: Int
    }

    /// Reads every module of the tree. A module that cannot be read is an error naming it:
    /// a symbol source must be trusted whole or not at all.
    public static func load(directory: String, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Contents {
        let files = moduleFiles(under: directory)
        guard !files.isEmpty else {
            throw SymbolTableError(path: directory, line: nil, message: "no module (.ko, .ko.xz, .ko.zst, .ko.gz) under this directory")
        }
        final class Results: @unchecked Sendable {
            // One slot per file, each written by one worker; read after all have finished.
            var values: [Result<ModuleObject, ModuleError>?]
            init(count: Int) { values = Array(repeating: nil, count: count) }
        }
        let results = Results(count: files.count)
        results.values.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            let workers = max(1, min(jobs, files.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var index = worker
                while index < files.count {
                    do { output[index] = .success(try ModuleObject.load(path: files[index])) } catch let error as ModuleError {
                        output[index] = .failure(error)
                    } catch {
                        output[index] = .failure(.corrupt("\(error)"))
                    }
                    index += workers
                }
            }
        }
        var exports: [KernelExport] = []
        var vermagics: [String: Int] = [:]
        for (index, result) in results.values.enumerated() {
            switch result {
            case .success(let module)?:
                for export in module.exports {
                    exports.append(KernelExport(name: export.name, crc: export.crc, owner: module.name,
                                                isGPLOnly: export.isGPLOnly, namespace: export.namespace))
                }
                if let vermagic = module.modinfo.vermagic { vermagics[vermagic, default: 0] += 1 }
            case .failure(let error)?:
                throw SymbolTableError(path: files[index], line: nil, message: "module of the symbol tree is unreadable: \(error)")
            case nil:
                throw SymbolTableError(path: files[index], line: nil, message: "module of the symbol tree was not read")
            }
        }
        let vermagic = vermagics.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        return Contents(exports: exports, vermagic: vermagic, modules: files.count)
    }
}
