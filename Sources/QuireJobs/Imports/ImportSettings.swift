import Foundation
import QuireCore
import QuireExchange

/// Where uploaded import files live and what a file may make the server do, shared by the upload
/// route, the import job and `quire import` (`QUIRE_DATA_DIR`, `QUIRE_MAX_IMPORT_BYTES`).
public struct ImportSettings: Sendable {
    /// The data folder; uploads go in its `imports` folder, kept for retries and failed.csv.
    public var dataDirectory: String
    /// The server's public base URL: follows and blocks in an archive that point under it name
    /// accounts here.
    public var publicURL: String
    /// The largest upload accepted (413 past it).
    public var maxBytes: Int64
    public var limits: ImportLimits
    /// Rows a transaction: the catalog is looked up once a batch.
    public var batchSize: Int
    public var timeLimit: Duration
    /// For follows an archive restores (`QUIRE_FANOUT_LIMIT`).
    public var fanoutLimit: Int

    public init(
        dataDirectory: String, publicURL: String = "http://127.0.0.1:8080", maxBytes: Int64 = 50 << 20,
        limits: ImportLimits = ImportLimits(), batchSize: Int = 500, timeLimit: Duration = .seconds(3600),
        fanoutLimit: Int = TimelineRules.defaultFanoutLimit
    ) {
        self.fanoutLimit = fanoutLimit
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.maxBytes = maxBytes
        self.limits = limits
        self.batchSize = batchSize
        self.timeLimit = timeLimit
    }

    public var importsFolder: String { (dataDirectory as NSString).appendingPathComponent("imports") }

    /// The stored upload's path, from its name as recorded.
    public func path(fileName: String) -> String {
        (importsFolder as NSString).appendingPathComponent(fileName)
    }
}
