/// Every migration, in the order it is applied. Append only: an applied migration never changes.
public enum Migrations {
    public static let all: [Migration] = [
        m001CreateUsers,
        m002CreateSessions,
        m003CreateCatalog,
        m004CreateShelves,
        m005CreateJobs,
        m006CreateSocial,
        m007CountStatusesByAudience,
        m008CreateExports,
        m009NarrowJobIndexes,
        m010CreateImports,
        m011CreateCatalogStats,
        m012IndexEditionWords,
        m013CapMatchKeys,
        m014NamePhysicalFormats,
    ]
}
