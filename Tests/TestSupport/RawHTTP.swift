import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 exchange over a plain socket, written byte for byte: for what URLSession won't
/// send, such as a chunked body with no Content-Length.
public enum RawHTTP {
    /// Sends `head` (request line and headers, without the blank line), then each chunk of
    /// `chunks` in chunked encoding, and returns the status code and body of the answer.
    public static func chunked(port: Int, head: String, chunks: [Data]) throws -> (status: Int, body: String) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestSetupError("socket() failed") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestSetupError("connect to 127.0.0.1:\(port) failed") }
        var request = Data((head + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").utf8)
        for chunk in chunks {
            request.append(Data((String(chunk.count, radix: 16) + "\r\n").utf8))
            request.append(chunk)
            request.append(Data("\r\n".utf8))
        }
        request.append(Data("0\r\n\r\n".utf8))
        // The server may answer 413 and close before it has read everything: a failed send
        // past that point is expected, and the answer is read all the same.
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            answer.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: answer, as: UTF8.self)
        let statusLine = text.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, body)
    }
}
