import Foundation

/// Where export files live and how long, shared by the export and prune jobs and the download
/// route (`QUIRE_DATA_DIR`, `QUIRE_PUBLIC_URL`, `QUIRE_EXPORT_TTL`, `QUIRE_EXPORT_INTERVAL`).
public struct ExportSettings: Sendable {
    /// The data folder; exports go in its `exports` folder.
    public var dataDirectory: String
    /// The server's public base URL without a trailing slash: the archive's ids are under it.
    public var publicURL: String
    /// How long a finished file is kept.
    public var ttl: Duration
    /// One export a user per this interval.
    public var interval: Duration
    /// Books a batch: each batch is eight statements and is encoded to disk before the next.
    public var batchSize: Int
    /// Follows and blocks a batch.
    public var peopleBatchSize: Int
    public var timeLimit: Duration

    public init(
        dataDirectory: String, publicURL: String = "http://127.0.0.1:8080", ttl: Duration = .seconds(7 * 86_400),
        interval: Duration = .seconds(3600), batchSize: Int = 500, peopleBatchSize: Int = 1000, timeLimit: Duration = .seconds(3600)
    ) {
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.ttl = ttl
        self.interval = interval
        self.batchSize = batchSize
        self.peopleBatchSize = peopleBatchSize
        self.timeLimit = timeLimit
    }

    /// Finished files: `export-<id>.<extension>`.
    public var exportsFolder: String { (dataDirectory as NSString).appendingPathComponent("exports") }

    /// Where an attempt writes before the whole file is renamed into place; emptied at the start
    /// of every attempt, so a crashed attempt's leftovers never mix with the next one's.
    func workFolder(exportID: Int64) -> String {
        (exportsFolder as NSString).appendingPathComponent("partial-\(exportID)")
    }

    /// The finished file's path, from its name as recorded.
    public func path(fileName: String) -> String {
        (exportsFolder as NSString).appendingPathComponent(fileName)
    }
}
