import QuireJobs

extension QuireConfiguration {
    /// The import settings: the data folder and public URL of the exports (`QUIRE_DATA_DIR`,
    /// `QUIRE_PUBLIC_URL`), and `QUIRE_MAX_IMPORT_BYTES`, the largest upload (default 50 MB).
    public var imports: ImportSettings {
        ImportSettings(dataDirectory: exports.dataDirectory, publicURL: exports.publicURL, maxBytes: maxImportBytes, fanoutLimit: fanoutLimit)
    }

    static func resolveImports(_ configuration: inout QuireConfiguration, environment: [String: String]) throws(ConfigurationError) {
        if let text = environment["QUIRE_MAX_IMPORT_BYTES"], !text.isEmpty {
            guard let bytes = Int64(text), (1_024...(4 << 30)).contains(bytes) else {
                throw ConfigurationError("QUIRE_MAX_IMPORT_BYTES must be a number of bytes from 1024 to 4294967296, got \(text)")
            }
            configuration.maxImportBytes = bytes
        }
        if let text = environment["QUIRE_IMPORT_BATCH_ROWS"], !text.isEmpty {
            guard let rows = Int(text), (1...10_000).contains(rows) else {
                throw ConfigurationError("QUIRE_IMPORT_BATCH_ROWS must be a number of rows from 1 to 10000, got \(text)")
            }
            configuration.importBatchRows = rows
        }
    }
}
