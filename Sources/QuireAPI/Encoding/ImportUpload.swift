import Foundation
import Hummingbird
import NIOCore
import QuireCore

/// An import file received from a request: the request's body itself, or the `file` part of a
/// multipart/form-data body (what a browser form sends). Either way it streams to disk a chunk
/// at a time, so a 50 MB upload never sits in memory, and stops with a 413 at `maxBytes`.
struct ImportUpload {
    let path: String
    let size: Int64
    /// The file's name as the form sent it.
    let originalName: String?
    /// The form's other fields (`format`, `privacy`), each kept to its first 200 bytes.
    let fields: [String: String]

    static func receive(_ request: Request, to path: String, maxBytes: Int64) async throws -> ImportUpload {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw APIError(.internalServerError, code: "upload_failed", message: "the upload could not be stored")
        }
        do {
            defer { try? file.close() }
            let contentType = request.headers[.contentType] ?? ""
            if contentType.lowercased().hasPrefix("multipart/form-data") {
                return try await receiveForm(request, contentType: contentType, into: file, path: path, maxBytes: maxBytes)
            }
            var size: Int64 = 0
            for try await chunk in request.body {
                size += Int64(chunk.readableBytes)
                guard size <= maxBytes else { throw tooLarge(maxBytes) }
                file.write(Data(chunk.readableBytesView))
            }
            return ImportUpload(path: path, size: size, originalName: nil, fields: [:])
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    private static func receiveForm(
        _ request: Request, contentType: String, into file: FileHandle, path: String, maxBytes: Int64
    ) async throws -> ImportUpload {
        guard let boundary = parameter("boundary", in: contentType) else {
            throw APIError.invalid("Content-Type", "multipart/form-data needs a boundary")
        }
        let parser = FormDataParser(boundary: boundary)
        var part: (name: String?, fileName: String?) = (nil, nil)
        var fields: [String: String] = [:]
        var fieldBytes: [UInt8] = []
        var size: Int64 = 0
        var sawFile = false
        var fileComplete = false
        var originalName: String?
        var overLimit = false
        // A part named twice (two files would have been written one after the other into one).
        var names: Set<String> = []
        var repeated: String?
        parser.onHeader = { name, value in
            guard name.lowercased() == "content-disposition" else { return }
            part = (parameter("name", in: value), parameter("filename", in: value))
            if let name = part.name, !names.insert(name).inserted, repeated == nil { repeated = name }
        }
        parser.onBody = { buffer in
            if repeated != nil { return }
            if part.name == "file" {
                sawFile = true
                originalName = part.fileName
                size += Int64(buffer.readableBytes)
                if size > maxBytes { overLimit = true; return }
                file.write(Data(buffer.readableBytesView))
            } else if fieldBytes.count < 200 {
                fieldBytes += buffer.readableBytesView.prefix(200 - fieldBytes.count)
            }
        }
        parser.onPartComplete = {
            if part.name == "file" { fileComplete = true }
            if let name = part.name, name != "file", fields.count < 10 { fields[name] = String(decoding: fieldBytes, as: UTF8.self) }
            fieldBytes = []
            part = (nil, nil)
        }
        for try await chunk in request.body {
            do { try parser.execute(chunk) } catch { throw APIError.invalid("file", "the multipart/form-data body is malformed") }
            if overLimit { throw tooLarge(maxBytes) }
            if let repeated { throw APIError.invalid(repeated, "must be given once") }
        }
        guard sawFile else { throw APIError.invalid("file", "the form has no part named file") }
        // A body cut short (the file part never closed by its boundary) would import half a file.
        guard fileComplete else { throw APIError.invalid("file", "the multipart/form-data body ends before the file part's closing boundary") }
        return ImportUpload(path: path, size: size, originalName: originalName.map { TextRules.prefix($0, 200) }, fields: fields)
    }

    static func tooLarge(_ maxBytes: Int64) -> APIError {
        APIError(.contentTooLarge, code: "file_too_large", message: "file: the file is over the limit of \(maxBytes) bytes", field: "file")
    }

    /// A `key=value` or `key="value"` parameter of a header value.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
