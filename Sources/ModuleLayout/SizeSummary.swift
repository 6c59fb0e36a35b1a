/// The tree-wide answer to the 2002 question: how many modules have a core under a page, and
/// how many pages kmalloc-ing them would save.
public struct SizeSummary: Sendable, Hashable {
    public let modules: Int
    /// Modules whose core is under one page (size class kmalloc).
    public let underPage: Int
    /// The 2002 measure: `.text` + `.data` under one page.
    public let textPlusDataUnderPage: Int
    /// Pages the kmalloc-class modules' cores take from vmalloc now.
    public let smallModulePages: UInt64
    /// Pages the same cores would fill as kmalloc objects (each rounded to its kmalloc cache).
    public let smallModuleKmallocPages: UInt64
    public let coreBytes: UInt64
    public let coreAllocatedBytes: UInt64
    public let initAllocatedBytes: UInt64
    public let wasteBytes: UInt64
    /// Modules whose figures depend on arch-sized sections the model cannot size.
    public let approximate: Int
    public let pageSize: UInt64

    public var pagesSaved: UInt64 { Arithmetic.subtract(smallModulePages, smallModuleKmallocPages) }

    public init(_ footprints: [ModuleFootprint], pageSize: UInt64) {
        let small = footprints.filter { $0.sizeClass == .kmalloc }
        modules = footprints.count
        underPage = small.count
        textPlusDataUnderPage = footprints.filter { $0.textPlusData < $0.pageSize }.count
        smallModulePages = small.reduce(0) { Arithmetic.add($0, $1.corePages) }
        let kmallocBytes = small.reduce(UInt64(0)) { Arithmetic.add($0, SizeSummary.kmallocSize($1.core)) }
        smallModuleKmallocPages = Arithmetic.pages(kmallocBytes, pageSize)
        coreBytes = footprints.reduce(0) { Arithmetic.add($0, $1.core) }
        coreAllocatedBytes = footprints.reduce(0) { Arithmetic.add($0, $1.coreAllocated) }
        initAllocatedBytes = footprints.reduce(0) { Arithmetic.add($0, $1.initAllocated) }
        wasteBytes = footprints.reduce(0) { Arithmetic.add($0, $1.waste) }
        approximate = footprints.filter { !$0.isExact }.count
        self.pageSize = pageSize
    }

    /// The kmalloc cache an object of `size` bytes lands in: powers of two from 8, plus the
    /// 96- and 192-byte caches.
    public static func kmallocSize(_ size: UInt64) -> UInt64 {
        if size <= 8 { return 8 }
        if size > 64 && size <= 96 { return 96 }
        if size > 128 && size <= 192 { return 192 }
        var bucket: UInt64 = 8
        while bucket < size {
            if bucket > UInt64.max / 2 { return size }
            bucket *= 2
        }
        return bucket
    }

    /// "N of M modules have a core under 4096 bytes; K pages would be saved by kmalloc-ing them".
    public var sentence: String {
        "\(underPage) of \(modules) modules have a core under \(pageSize) bytes; "
            + "\(pagesSaved) pages would be saved by kmalloc-ing them"
    }
}

/// Core sizes by power of two: bucket k holds cores in [2^k, 2^(k+1)).
public struct SizeHistogram: Sendable, Hashable {
    public struct Bucket: Sendable, Hashable {
        public let lowerBound: UInt64
        public let upperBound: UInt64
        public let count: Int
    }

    public let buckets: [Bucket]

    public init(_ sizes: [UInt64]) {
        var counts: [Int: Int] = [:]
        for size in sizes {
            let exponent = size == 0 ? 0 : 63 - size.leadingZeroBitCount
            counts[exponent, default: 0] += 1
        }
        guard let low = counts.keys.min(), let high = counts.keys.max() else { buckets = []; return }
        buckets = (low...high).map { exponent in
            let lower: UInt64 = exponent == 0 ? 0 : UInt64(1) << UInt64(exponent)
            let upper: UInt64 = exponent >= 63 ? .max : UInt64(1) << UInt64(exponent + 1)
            return Bucket(lowerBound: lower, upperBound: upper, count: counts[exponent] ?? 0)
        }
    }
}
