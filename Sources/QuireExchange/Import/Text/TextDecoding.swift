/// Bytes of one field as text. Files from older services (LibraryThing, spreadsheets saved on
/// Windows) are often Windows-1252 or Latin-1, and sometimes mixed: a file that was UTF-8 until
/// someone pasted a row from another program. So each field is decoded on its own: valid UTF-8
/// is UTF-8, anything else is Windows-1252 (which agrees with Latin-1 on every printable
/// character). A wrong guess can only turn a field into other characters, never lose a row.
///
/// A NUL byte is read as U+FFFD, the replacement character: no text holds one on purpose (it
/// comes from a damaged export), PostgreSQL can't store it (a file holding one failed its whole
/// import there, and imported on SQLite), and the API refuses it.
enum TextDecoding {
    static func string(_ bytes: [UInt8]) -> String {
        guard !bytes.contains(0) else { return withoutNUL(decoded(bytes)) }
        return decoded(bytes)
    }

    private static func decoded(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return windows1252(bytes)
    }

    static func withoutNUL(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar == "\0" ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let scalar = Unicode.Scalar(highControlBlock[Int(byte) - 0x80]) {
                scalars.append(scalar)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// Windows-1252's characters for 0x80...0x9F; the five bytes it leaves undefined keep their
    /// Latin-1 control code points.
    private static let highControlBlock: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}
