import LintEngine

/// Every rule modlint has, in code order. A new rule is one file in its category folder plus
/// one line here.
public enum Registry {
    public static let moduleRules: [any Rule] = [
        UnresolvedSymbol(),
        GPLOnlySymbol(),
        NamespaceNotImported(),
        SymbolVersionMismatch(),
        MissingSymbolVersion(),
        ExportedTwice(),
        UnusedNamespaceImport(),
        DependsMismatch(),
        ModuleRestrictedSymbol(),
        MissingLicense(),
        VermagicMismatch(),
        ModuleNameTooLong(),
        MalformedModule(),
        CodeReferencesExit(),
        DataReferencesExit(),
        ReferencesInit(),
        InitExitCrossReference(),
        ExportedInitOrExit(),
        NoExitFunction(),
        MissingOwner(),
        RedundantOwner(),
        DuplicateDeviceID(),
        DeviceIDInTwoTables(),
        UnterminatedDeviceTable(),
        DeviceTableSize(),
        AliasClaimedElsewhere(),
        DeviceTableNotExported(),
        SizeClass(),
        SizeBudgetExceeded(),
    ]

    public static let all = RuleSet(moduleRules: moduleRules, inputRule: UnreadableInput())
}
