import Foundation
import QuireJobs
import QuireStore

extension QuireConfiguration {
    /// The export settings from `QUIRE_DATA_DIR` (default: a `quire-data` folder beside the
    /// SQLite file, or in the working folder on PostgreSQL), `QUIRE_PUBLIC_URL`,
    /// `QUIRE_EXPORT_TTL` and `QUIRE_EXPORT_INTERVAL` (seconds), and `QUIRE_SCHEDULE_EXPORTS_PRUNE`
    /// (a cron expression, or `off`).
    static func resolveExports(_ configuration: inout QuireConfiguration, environment: [String: String]) throws(ConfigurationError) {
        var settings = ExportSettings(dataDirectory: defaultDataDirectory(configuration.databaseURL))
        settings.publicURL = "http://\(configuration.host):\(configuration.port)"
        if let text = environment["QUIRE_DATA_DIR"], !text.isEmpty { settings.dataDirectory = text }
        if let text = environment["QUIRE_PUBLIC_URL"], !text.isEmpty {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                  url.query == nil, url.fragment == nil
            else { throw ConfigurationError("QUIRE_PUBLIC_URL must be an http or https URL such as https://quire.example, got \(text)") }
            settings.publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        if let text = environment["QUIRE_EXPORT_TTL"], !text.isEmpty {
            guard let seconds = Int(text), (60...31_536_000).contains(seconds) else {
                throw ConfigurationError("QUIRE_EXPORT_TTL must be a number of seconds from 60 to 31536000, got \(text)")
            }
            settings.ttl = .seconds(seconds)
        }
        if let text = environment["QUIRE_EXPORT_INTERVAL"], !text.isEmpty {
            guard let seconds = Int(text), (0...31_536_000).contains(seconds) else {
                throw ConfigurationError("QUIRE_EXPORT_INTERVAL must be a number of seconds from 0 (no limit) to 31536000, got \(text)")
            }
            settings.interval = .seconds(seconds)
        }
        if let text = try schedule("QUIRE_SCHEDULE_EXPORTS_PRUNE", example: Schedule.defaultExportsPruneCron, environment: environment) {
            configuration.exportsPruneCron = text
        }
        configuration.exports = settings
    }

    static func defaultDataDirectory(_ url: DatabaseURL) -> String {
        switch url {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("quire-data")
        default:
            return "./quire-data"
        }
    }
}
