import Foundation
import Synchronization

/// One embedding registered with the projector (a `ProjectorConfig.EmbeddingInfo`).
struct ProjectorEmbedding: Sendable {
    var tensorName: String
    var tensorPath: String
    var metadataPath: String?
    var spritePath: String?
    var spriteSize: (width: Int, height: Int)?
}

extension SummaryWriter {
    /// Adds an embedding for TensorBoard's projector (torch `add_embedding`).
    ///
    /// torch's layout (docs/reference/tensorboard-format.md, "Embedding projector files"): `<logdir>/<step as 5 digits>/<tag with %, /, \ escaped>/`
    /// receives `tensors.tsv` (one row per line, tab-separated), `metadata.tsv` (one label per
    /// line, or a tab-joined header line and rows when `metadataHeader` is given) and
    /// `sprite.png` (label images tiled row-major in a ⌈√n⌉-column square grid, RGB);
    /// `<logdir>/projector_config.pbtxt` is rewritten in full with every embedding this writer
    /// added. No event is written: the writer's own event file makes the run visible.
    ///
    /// - Parameters:
    ///   - matrix: `n` rows of `d` values (row-major `[n, d]` as row arrays), any
    ///     `BinaryFloatingPoint` type (`Float`, `Double`, `Float16`); written as the shortest
    ///     decimal of each value widened to `Double`, as torch writes a float32 tensor's `item()`.
    ///   - metadata: Optional labels: `n` rows of one value each, or of `metadataHeader.count`
    ///     values; any `CustomStringConvertible` values (`labels.map { [$0] }` for `Int` or
    ///     `String` labels), written with `description`, as torch writes `str(label)`.
    ///   - metadataHeader: Column names for multi-column metadata.
    ///   - labelImages: Optional `[n, C, H, W]` 8-bit images (C = 1 or 3), flattened, with `imageShape`.
    ///   - imageShape: `[n, C, H, W]` of `labelImages`.
    ///   - tag: Embedding name (default "default").
    ///   - step: Global step (default 0).
    /// - Throws: `SummaryWriterError.invalidArgument` when the metadata or image count differs
    ///   from the rows, rows have different lengths, or values are not finite;
    ///   `.invalidPathComponent` for an empty tag, `.`, `..` or one with NUL; a file error.
    public func addEmbedding<Value: BinaryFloatingPoint>(
        _ matrix: [[Value]], metadata: [[any CustomStringConvertible]]? = nil, metadataHeader: [String]? = nil, labelImages: [UInt8]? = nil,
        imageShape: [Int]? = nil, tag: String = "default", step: Int = 0
    ) throws(SummaryWriterError) {
        let n = matrix.count
        guard n > 0, let d = matrix.first?.count, d > 0, matrix.allSatisfy({ $0.count == d }) else {
            throw .invalidArgument("embedding: the matrix needs at least one row, all rows of the same positive length")
        }
        if let row = matrix.firstIndex(where: { $0.contains { !$0.isFinite } }) {
            throw .invalidArgument("embedding: row \(row) contains NaN or infinity")
        }
        if let metadata {
            guard metadata.count == n else {
                throw .invalidArgument("embedding: metadata has \(metadata.count) rows but the matrix has \(n); give one label per row")
            }
            let width = metadataHeader?.count ?? 1
            guard metadata.allSatisfy({ $0.count == width }) else {
                throw .invalidArgument("embedding: every metadata row needs \(width) value(s)\(metadataHeader == nil ? " (pass metadataHeader for several columns)" : "")")
            }
        }
        guard step >= 0 else { throw .negativeStep(step) }
        let escaped = tag.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2f").replacingOccurrences(of: "\\", with: "%5c")
        try PathComponent.validate(escaped, role: "embedding tag")
        let subdirectory = String(format: "%05d", step) + "/" + escaped
        let directory = logDirectory + "/" + subdirectory
        var embedding = ProjectorEmbedding(tensorName: tag + ":" + String(format: "%05d", step), tensorPath: subdirectory + "/tensors.tsv")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let tensors = matrix.map { $0.map { Self.pythonFloat(Double($0)) }.joined(separator: "\t") }.joined(separator: "\n") + "\n"
            try tensors.write(toFile: directory + "/tensors.tsv", atomically: true, encoding: .utf8)
            if let metadata {
                var lines = metadata.map { $0.map(\.description).joined(separator: "\t") }
                if let metadataHeader { lines.insert(metadataHeader.joined(separator: "\t"), at: 0) }
                try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/metadata.tsv", atomically: true, encoding: .utf8)
                embedding.metadataPath = subdirectory + "/metadata.tsv"
            }
        } catch {
            throw .invalidArgument("embedding: cannot write \(directory): \(Self.reason(error))")
        }
        if let labelImages {
            guard let shape = imageShape, shape.count == 4, shape[0] == n, [1, 3].contains(shape[1]), shape[2] > 0, shape[3] > 0,
                labelImages.count == shape.reduce(1, *)
            else {
                throw .invalidArgument("embedding: label images must be [\(n), C, H, W] with C = 1 or 3 and match the pixel count; got \(imageShape ?? []) for \(labelImages.count) values")
            }
            let side = Int(Double(n).squareRoot().rounded(.up))
            let (h, w) = (shape[2], shape[3])
            var padded = labelImages
            padded += [UInt8](repeating: 0, count: (side * side - n) * shape[1] * h * w)
            let (grid, height, width, channels) = try Self.grid(padded, shape: [side * side, shape[1], h, w], layout: .nchw, columns: side)
            let png: [UInt8]
            do { png = try PNG.encode(pixels: grid, width: width, height: height, channels: channels) } catch {
                throw .invalidArgument("embedding sprite: \(error)")
            }
            do { try Data(png).write(to: URL(fileURLWithPath: directory + "/sprite.png"), options: .atomic) } catch {
                throw .invalidArgument("embedding: cannot write the sprite: \(Self.reason(error))")
            }
            embedding.spritePath = subdirectory + "/sprite.png"
            embedding.spriteSize = (w, h)
        }
        let all = embeddings.withLock { list in
            list.removeAll { $0.tensorName == embedding.tensorName }
            list.append(embedding)
            return list
        }
        do {
            try Self.projectorConfig(all).write(toFile: logDirectory + "/projector_config.pbtxt", atomically: true, encoding: .utf8)
        } catch {
            throw .invalidArgument("embedding: cannot write projector_config.pbtxt: \(Self.reason(error))")
        }
    }

    /// The shortest round-trip decimal, as Python's `str(float)` writes it ("1.0", "0.5", "1e-05").
    static func pythonFloat(_ value: Double) -> String { value.description }

    /// The `ProjectorConfig` text format (protobuf text format of the few fields used).
    static func projectorConfig(_ embeddings: [ProjectorEmbedding]) -> String {
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var text = ""
        for e in embeddings {
            text += "embeddings {\n  tensor_name: \(quoted(e.tensorName))\n  tensor_path: \(quoted(e.tensorPath))\n"
            if let m = e.metadataPath { text += "  metadata_path: \(quoted(m))\n" }
            if let s = e.spritePath, let size = e.spriteSize {
                text += "  sprite {\n    image_path: \(quoted(s))\n    single_image_dim: \(size.width)\n    single_image_dim: \(size.height)\n  }\n"
            }
            text += "}\n"
        }
        return text
    }
}
