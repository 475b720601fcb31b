import Foundation
import Hummingbird

/// A finished file served for download: Content-Length, Content-Disposition, an ETag (304 on
/// If-None-Match) and one byte range (206; 416 when it lies outside the file), read from disk
/// in chunks so a large file never sits in memory.
struct FileDownload {
    let path: String
    let size: Int64
    let etag: String
    let contentType: String
    /// The name a browser saves it under.
    let fileName: String

    func response(to request: Request, context: some RequestContext) async throws -> Response {
        var headers: HTTPFields = [
            .eTag: etag, .acceptRanges: "bytes", .contentType: contentType,
            .contentDisposition: "attachment; filename=\"\(fileName)\"",
            // The owner's file: no shared cache may keep it.
            .cacheControl: "private, no-cache",
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        let whole: ClosedRange<Int64>? = size > 0 ? 0...(size - 1) : nil
        var range = whole
        var status = HTTPResponse.Status.ok
        if let text = request.headers[.range], whole != nil {
            switch ByteRange.parse(text, size: size) {
            case .none: break
            case .some(.unsatisfiable):
                var error = APIError(.rangeNotSatisfiable, code: "range_not_satisfiable", message: "the range \(text) lies outside the file's \(size) bytes")
                error.headers[.contentRange] = "bytes */\(size)"
                throw error
            case .some(.range(let part)):
                range = part
                status = .partialContent
                headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
            }
        }
        headers[.contentLength] = String(range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0)
        guard let range else { return Response(status: status, headers: headers) }
        let body = try await FileIO().loadFile(path: path, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
        return Response(status: status, headers: headers, body: body)
    }
}

/// One `Range: bytes=...` request header (RFC 9110 14.1.2). Several ranges are answered with the
/// whole file, which the RFC allows.
enum ByteRange: Equatable {
    case range(ClosedRange<Int64>)
    case unsatisfiable

    /// nil when the header is not a single byte range (then the whole file is sent).
    static func parse(_ text: String, size: Int64) -> ByteRange? {
        guard text.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        // Digits only and at most 18 of them, so the numbers can't overflow Int64.
        func number(_ s: Substring) -> Int64? {
            guard !s.isEmpty, s.count <= 18, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int64(s)
        }
        if first.isEmpty {
            guard let suffix = number(last) else { return nil }
            guard suffix > 0 else { return .unsatisfiable }
            return .range(max(0, size - suffix)...(size - 1))
        }
        guard let start = number(first) else { return nil }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .range(start...(size - 1)) }
        guard let end = number(last), end >= start else { return nil }
        return .range(start...min(end, size - 1))
    }
}
