import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp

/// One scrape of `/metrics`, read back into samples so a test can ask for a series' value.
public struct MetricsScrape: Sendable {
    public struct Sample: Sendable {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    public let text: String
    public let samples: [Sample]

    public init(text: String) {
        self.text = text
        samples = text.split(separator: "\n").compactMap(Self.sample)
    }

    /// Reads this process's registry directly, for a test with a database and no application.
    public static func process() -> MetricsScrape {
        var bytes: [UInt8] = []
        MetricsSetup.registry.emit(into: &bytes)
        return MetricsScrape(text: String(decoding: bytes, as: UTF8.self))
    }

    /// Scrapes the application under test.
    public static func scrape(_ client: any TestClientProtocol) async throws -> MetricsScrape {
        MetricsScrape(text: String(buffer: try await client.execute(uri: "/metrics", method: .get).body))
    }

    /// The value of the series `name` whose labels include `labels`; nil when there is none.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }

    /// Every sample of the family `name`, histogram parts (`_bucket`, `_sum`, `_count`) included.
    public func family(_ name: String) -> [Sample] {
        samples.filter { $0.name == name || $0.name.hasPrefix(name + "_") }
    }

    /// What `promtool check metrics` would object to: a family without HELP just before its TYPE,
    /// a type's name inside a metric's name, a counter whose name doesn't end in `_total`.
    public var lintProblems: [String] {
        let lines = text.split(separator: "\n")
        var problems: [String] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            guard parts.count == 4 else { problems.append("malformed: \(line)"); continue }
            let (name, type) = (parts[2], parts[3])
            if index == 0 || !lines[index - 1].hasPrefix("# HELP \(name) ") { problems.append("\(name) has no HELP before its TYPE") }
            for typeName in ["counter", "gauge", "histogram", "summary"] where name.contains("_\(typeName)_") || name.hasSuffix("_\(typeName)") {
                problems.append("\(name) holds the type name \(typeName)")
            }
            if type == "counter", !name.hasSuffix("_total") { problems.append("counter \(name) does not end in _total") }
        }
        return problems
    }

    /// Parses `name{a="x",b="y"} value` (label values here never hold quotes or commas).
    private static func sample(_ line: Substring) -> Sample? {
        guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
        var labels: [String: String] = [:]
        for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }
}
