import Foundation
import QuireCore
import QuireStore

/// The limits on catalog fields, and their checks; every failure names its field.
enum EditionValidation {
    static let physicalFormats = PhysicalFormat.all

    /// Applies `input` to `edition`, checking each given field.
    static func apply(_ input: EditionInput, to edition: inout some EditableEdition) throws {
        if let title = input.title { edition.title = try text(title, "title", max: EditionRules.titleLength, required: true) ?? "" }
        if let value = input.subtitle { edition.subtitle = try text(value, "subtitle", max: EditionRules.titleLength) }
        if let value = input.description { edition.description = try text(value, "description", max: EditionRules.descriptionLength, multiline: true) }
        if let value = input.languages { edition.languages = try list(value, "languages", maxItems: 20, maxLength: 50) }
        if let value = input.publishers { edition.publishers = try list(value, "publishers", maxItems: 20, maxLength: EditionRules.nameLength) }
        if let pages = input.pages {
            guard EditionRules.pages.contains(pages) else {
                throw APIError.invalid("pages", "must be from \(EditionRules.pages.lowerBound) to \(EditionRules.pages.upperBound)")
            }
            edition.pages = pages
        }
        if let date = input.publishedDate {
            guard date.isEmpty || isPartialDate(date) else {
                throw APIError.invalid("published_date", "must be a date as YYYY, YYYY-MM or YYYY-MM-DD")
            }
            edition.publishedDate = date.isEmpty ? nil : date
        }
        if let format = input.physicalFormat {
            guard format.isEmpty || physicalFormats.contains(format) else {
                throw APIError.invalid("physical_format", "must be one of \(physicalFormats.joined(separator: ", "))")
            }
            edition.physicalFormat = format.isEmpty ? nil : format
        }
        if let value = input.openlibraryKey { edition.openlibraryKey = try text(value, "openlibrary_key", max: EditionRules.keyLength) }
        if let value = input.goodreadsKey { edition.goodreadsKey = try text(value, "goodreads_key", max: EditionRules.keyLength) }
        try applyISBNs(input, to: &edition)
    }

    /// An ISBN-10 is stored with its ISBN-13 too, so every lookup goes through one index.
    private static func applyISBNs(_ input: EditionInput, to edition: inout some EditableEdition) throws {
        var from10: ISBN?
        var from13: ISBN?
        if let text = input.isbn10, !text.isEmpty {
            do { from10 = try ISBN.parse10(text) } catch { throw APIError.invalid("isbn_10", error.message) }
        }
        if let text = input.isbn13, !text.isEmpty {
            do { from13 = try ISBN.parse13(text) } catch { throw APIError.invalid("isbn_13", error.message) }
        }
        if let from10, let from13, from10.isbn13 != from13.isbn13 {
            throw APIError.invalid("isbn_13", "is not the same book as isbn_10 \(from10.isbn10 ?? "")")
        }
        if input.isbn10 != nil || input.isbn13 != nil {
            let isbn = from13 ?? from10
            edition.isbn13 = isbn?.isbn13
            edition.isbn10 = from10?.isbn10 ?? isbn?.isbn10
        }
    }

    static func text(_ value: String, _ field: String, max: Int, required: Bool = false, multiline: Bool = false) throws -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if required { throw APIError.invalid(field, "must not be empty") }
            return nil
        }
        guard TextRules.length(trimmed) <= max else { throw APIError.invalid(field, "must be at most \(max) characters long") }
        if let problem = multiline ? TextRules.freeTextProblem(trimmed) : TextRules.singleLineProblem(trimmed) {
            throw APIError.invalid(field, problem)
        }
        return trimmed
    }

    static func list(_ values: [String], _ field: String, maxItems: Int, maxLength: Int) throws -> [String] {
        guard values.count <= maxItems else { throw APIError.invalid(field, "may have at most \(maxItems) entries") }
        return try values.compactMap { try text($0, field, max: maxLength) }
    }

    static func isPartialDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && Int($0) != nil })
        else { return false }
        let numbers = parts.compactMap { Int($0) }
        if numbers.count > 1, !(1...12).contains(numbers[1]) { return false }
        if numbers.count > 2, !(1...31).contains(numbers[2]) { return false }
        return true
    }
}

/// The fields an edition's input can set: a new edition and a stored one both have them, so one
/// validation fills either without copying fields across.
protocol EditableEdition {
    var title: String { get set }
    var subtitle: String? { get set }
    var description: String? { get set }
    var languages: [String] { get set }
    var pages: Int? { get set }
    var publishers: [String] { get set }
    var publishedDate: String? { get set }
    var physicalFormat: String? { get set }
    var isbn10: String? { get set }
    var isbn13: String? { get set }
    var openlibraryKey: String? { get set }
    var goodreadsKey: String? { get set }
}

extension NewEdition: EditableEdition {}
extension EditionRecord: EditableEdition {}
