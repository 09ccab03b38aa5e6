import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The pixels of an 8-bit RGB or RGBA PNG (what a browser's screenshot is), enough to tell a picture from a
/// blank page. Inflating uses the system's zlib, loaded at run time (it is on every machine with a browser).
struct PNGImage {
    let width: Int
    let height: Int
    /// RGB triples, row by row.
    let pixels: [UInt8]

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw DecodeError(description: "not a PNG file")
        }
        func u32(_ offset: Int) -> Int {
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
        }
        var offset = 8
        var width = 0
        var height = 0
        var channels = 0
        var compressed: [UInt8] = []
        while offset + 8 <= bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            switch type {
            case "IHDR":
                width = u32(offset + 8)
                height = u32(offset + 12)
                guard body[8] == 8, body[12] == 0 else { throw DecodeError(description: "only 8-bit, non-interlaced") }
                switch body[9] {
                case 2: channels = 3
                case 6: channels = 4
                default: throw DecodeError(description: "colour type \(body[9]) not supported")
                }
            case "IDAT":
                compressed += body
            default:
                break
            }
            offset += 12 + length
        }
        let stride = width * channels
        let raw = try Self.inflate(compressed, expected: height * (stride + 1))
        var previous = [UInt8](repeating: 0, count: stride)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for row in 0..<height {
            let start = row * (stride + 1)
            let filter = raw[start]
            var line = Array(raw[(start + 1)..<(start + 1 + stride)])
            for index in 0..<stride {
                let left = index >= channels ? Int(line[index - channels]) : 0
                let up = Int(previous[index])
                let upLeft = index >= channels ? Int(previous[index - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = left
                case 2: predictor = up
                case 3: predictor = (left + up) / 2
                case 4:
                    let p = left + up - upLeft
                    let (pa, pb, pc) = (abs(p - left), abs(p - up), abs(p - upLeft))
                    predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft
                default: throw DecodeError(description: "bad filter \(filter)")
                }
                line[index] = UInt8((Int(line[index]) + predictor) & 0xFF)
            }
            for x in 0..<width { pixels += line[(x * channels)..<(x * channels + 3)] }
            previous = line
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// How many pixels are within `tolerance` of `color` on every channel.
    func count(near color: (UInt8, UInt8, UInt8), tolerance: Int = 24) -> Int {
        var count = 0
        var index = 0
        while index < pixels.count {
            if abs(Int(pixels[index]) - Int(color.0)) <= tolerance,
                abs(Int(pixels[index + 1]) - Int(color.1)) <= tolerance,
                abs(Int(pixels[index + 2]) - Int(color.2)) <= tolerance
            {
                count += 1
            }
            index += 3
        }
        return count
    }

    private typealias Uncompress =
        @convention(c) (
            UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt
        ) -> Int32

    private static func inflate(_ compressed: [UInt8], expected: Int) throws -> [UInt8] {
        guard let library = dlopen("libz.so.1", RTLD_NOW), let symbol = dlsym(library, "uncompress") else {
            throw DecodeError(description: "zlib (libz.so.1) is not available")
        }
        let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
        var output = [UInt8](repeating: 0, count: expected)
        var length = UInt(expected)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, UInt(input.count))
            }
        }
        guard status == 0, Int(length) == expected else {
            throw DecodeError(description: "zlib uncompress failed (\(status))")
        }
        return output
    }
}
