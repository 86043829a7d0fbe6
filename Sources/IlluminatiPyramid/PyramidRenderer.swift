import IlluminatiCore
import IlluminatiImaging
import IlluminatiStorage

/// Renders one job: fills its block with lossless fixed-point pixels (from site images at
/// the base, from the previous stage's intermediate tiles above it), then encodes every tile
/// of the block, halves the block with 2×2 means and encodes again, `job.levels` times.
/// Each tile is rounded to bytes exactly once, just before encoding; black tiles are not
/// written. The job's tiles go through a sink of its own, committed when the job is done.
/// Safe to call from many threads at once with the same context.
public enum PyramidRenderer {
    public static func render(_ job: PyramidJob, context: RenderContext) throws -> PyramidJobResult {
        let layer = try context.layer(job.layer)
        let layout = context.layout
        try validate(job, layout)
        var result = PyramidJobResult()

        var block = job.block
        var rect = layout.pixelRect(of: block)
        var canvas = [UInt16](repeating: 0, count: rect.height * rect.width)
        if block.level == layout.maxLevel {
            try paintSites(layer, context: context, rect: rect, canvas: &canvas, result: &result)
        } else {
            try paintChildren(job, context: context, rect: rect, canvas: &canvas)
        }

        let encoder = try JPEGEncoder(quality: context.quality)
        var scratch = [UInt8](repeating: 0, count: layout.tileSize * layout.tileSize)
        let sink = try context.store.openSink(layer: job.layer, job: job.outputName)
        try sink.committing {
            for step in 0..<job.levels {
                if step > 0 {
                    let coarser = block.coarser(by: 1)
                    let coarserRect = layout.pixelRect(of: coarser)
                    let halved = FixedPoint.downsample(canvas, width: rect.width, height: rect.height)
                    guard halved.width == coarserRect.width, halved.height == coarserRect.height else {
                        throw PyramidError.invalidJob(job: job.description,
                            reason: "block \(coarser) halves to \(halved.height)×\(halved.width), expected \(coarserRect.height)×\(coarserRect.width)")
                    }
                    block = coarser
                    rect = coarserRect
                    canvas = halved.pixels
                }
                try emitTiles(of: block, canvas: canvas, rect: rect, context: context, sink: sink,
                              encoder: encoder, scratch: &scratch, result: &result)
            }
            if job.writesIntermediate {
                try writeIntermediates(of: block, canvas: canvas, rect: rect, context: context, sink: sink, result: &result)
            }
        }
        return result
    }

    /// Rejects jobs that do not fit the layout or cannot halve cleanly.
    static func validate(_ job: PyramidJob, _ layout: PyramidLayout) throws {
        func invalid(_ reason: String) -> PyramidError { .invalidJob(job: job.description, reason: reason) }
        let block = job.block
        guard block.level >= 0, block.level <= layout.maxLevel else {
            throw invalid("level \(block.level) outside 0…\(layout.maxLevel)")
        }
        guard job.levels >= 1, job.coarsestLevel >= 0 else { throw invalid("cannot render \(job.levels) levels") }
        let grid = layout.tiles(level: block.level)
        guard block.rows.lowerBound >= 0, block.columns.lowerBound >= 0, !block.rows.isEmpty, !block.columns.isEmpty,
              block.rows.upperBound <= grid.rows, block.columns.upperBound <= grid.columns else {
            throw invalid("block outside the level's \(grid) tiles")
        }
        let alignment = 1 << (job.levels - 1)
        guard block.rows.lowerBound % alignment == 0, block.columns.lowerBound % alignment == 0 else {
            throw invalid("a block rendering \(job.levels) levels must start at a multiple of \(alignment) tiles")
        }
        if block.level == layout.maxLevel {
            guard job.inputs.isEmpty else { throw invalid("base-level jobs read site images, not intermediate tiles") }
        }
        let children = (2 * block.rows.lowerBound)..<(2 * block.rows.upperBound)
        let childColumns = (2 * block.columns.lowerBound)..<(2 * block.columns.upperBound)
        for input in job.inputs where input.level != block.level + 1 || !children.contains(input.row)
            || !childColumns.contains(input.column) {
            throw invalid("input tile \(input) is not a child of the block")
        }
    }

    private static func paintSites(_ layer: IndexedLayer, context: RenderContext, rect: PixelRect,
                                   canvas: inout [UInt16], result: inout PyramidJobResult) throws {
        let correction = context.corrections[layer.spec.channel]
        let origin = PixelOffset(y: rect.y, x: rect.x)
        for site in layer.sites(intersecting: rect) {
            let (image, decoded) = try context.image(site.path)
            if decoded { result.imagesDecoded += 1 }
            // A site inside this block is needed by no other job: free its memory now.
            let siteRect = IndexedLayer.rect(site, layer.siteSize)
            if siteRect.y >= rect.y, siteRect.x >= rect.x, siteRect.y + siteRect.height <= rect.y + rect.height,
               siteRect.x + siteRect.width <= rect.x + rect.width {
                context.cache.remove(site.path)
            }
            try layer.table.withUnsafeBufferPointer { table in
                try canvas.withUnsafeMutableBufferPointer { out in
                    try SiteProjection.paste(image, at: site.offset, shift: site.shift, residues: site.residues,
                                             correction: correction, table: table, into: out.baseAddress!,
                                             canvasOrigin: origin, canvasWidth: rect.width, canvasHeight: rect.height)
                }
            }
        }
    }

    /// Each child tile halves into its quarter of the block; children that are not inputs stay black.
    private static func paintChildren(_ job: PyramidJob, context: RenderContext, rect: PixelRect,
                                      canvas: inout [UInt16]) throws {
        let layout = context.layout
        let size = layout.tileSize
        var child = [UInt16](repeating: 0, count: size * size)
        let source = context.store.source(layer: job.layer)
        for input in job.inputs {
            let childRect = layout.pixelRect(of: input)
            try child.withUnsafeMutableBufferPointer { buffer in
                try IntermediateTile.read(input, from: source, width: childRect.width, height: childRect.height,
                                          into: buffer.baseAddress!, stride: childRect.width)
            }
            let y = childRect.y / 2 - rect.y, x = childRect.x / 2 - rect.x
            child.withUnsafeBufferPointer { source in
                canvas.withUnsafeMutableBufferPointer { out in
                    FixedPoint.downsample(source.baseAddress!, width: childRect.width, height: childRect.height,
                                          sourceStride: childRect.width, into: out.baseAddress! + y * rect.width + x,
                                          destinationStride: rect.width)
                }
            }
        }
    }

    private static func emitTiles(of block: TileBlock, canvas: [UInt16], rect: PixelRect, context: RenderContext,
                                  sink: any TileSink, encoder: JPEGEncoder, scratch: inout [UInt8],
                                  result: inout PyramidJobResult) throws {
        for tile in block.tiles {
            let tileRect = context.layout.pixelRect(of: tile)
            let nonBlank = canvas.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { bytes in
                    FixedPoint.toBytes(source.baseAddress! + (tileRect.y - rect.y) * rect.width + (tileRect.x - rect.x),
                                       width: tileRect.width, height: tileRect.height, sourceStride: rect.width,
                                       into: bytes.baseAddress!)
                }
            }
            guard nonBlank else {
                result.blankTiles += 1
                continue
            }
            let written = try scratch.withUnsafeBufferPointer { bytes in
                try encoder.encode(bytes.baseAddress!, width: tileRect.width, height: tileRect.height, stride: tileRect.width) { jpeg in
                    try sink.writeTile(tile, jpeg: jpeg)
                    return jpeg.count
                }
            }
            result.tilesWritten += 1
            result.bytesWritten += written
        }
    }

    private static func writeIntermediates(of block: TileBlock, canvas: [UInt16], rect: PixelRect, context: RenderContext,
                                           sink: any TileSink, result: inout PyramidJobResult) throws {
        for tile in block.tiles {
            let tileRect = context.layout.pixelRect(of: tile)
            let bytes = canvas.withUnsafeBufferPointer { source in
                IntermediateTile.encode(tile, pixels: source.baseAddress! + (tileRect.y - rect.y) * rect.width + (tileRect.x - rect.x),
                                        width: tileRect.width, height: tileRect.height, stride: rect.width)
            }
            try bytes.withUnsafeBytes { try sink.writeIntermediate(tile, bytes: $0) }
            result.intermediatesWritten += 1
        }
    }
}
