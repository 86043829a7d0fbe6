import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres

/// The JSON printed by `experiment show --json`: pyramid size and the offset of every
/// plate, well and site in base-level pixels, as [y, x].
public struct GeometryDocument: Encodable {
    struct Pyramid: Encodable {
        var height: Int
        var width: Int
        var levels: Int
        var tile_size: Int
        var zoom_factor: Int
        /// Per level, top (most zoomed out) first: [height, width] and [tile rows, tile columns].
        var level_sizes: [[Int]]
        var level_tiles: [[Int]]
    }
    struct Site: Encodable { var y: Int; var x: Int; var offset: [Int] }
    struct Well: Encodable { var name: String; var offset: [Int]; var size: [Int]; var sites: [Site] }
    struct Plate: Encodable { var name: String; var offset: [Int]; var size: [Int]; var grid_position: [Int]; var wells: [Well] }
    struct Layer: Encodable { var name: String; var channel: String; var cycle: Int; var tpoint: Int; var zplane: Int }

    var experiment: String
    var created_at: String
    var manifest: String
    var site_size: [Int]
    var bit_depth: Int
    var plate_format: Int
    var channels: [String]
    var cycles: [Int]
    var images: Int
    var layers: [Layer]
    var pyramid: Pyramid
    var plates: [Plate]

    public init(_ stored: StoredExperiment, layout: PlateLayout) {
        let experiment = stored.experiment
        self.experiment = experiment.name
        created_at = stored.createdAt
        manifest = experiment.manifestPath
        site_size = [experiment.siteSize.height, experiment.siteSize.width]
        bit_depth = experiment.bitDepth
        plate_format = experiment.plateFormat.rawValue
        channels = experiment.channels.map(\.name)
        cycles = experiment.cycles
        images = experiment.images.count
        layers = stored.layers.map {
            Layer(name: $0.layer.name, channel: experiment.channels[$0.layer.key.channel].name, cycle: $0.layer.key.cycle,
                  tpoint: $0.layer.key.tpoint, zplane: $0.layer.key.zplane)
        }
        let pyramid = layout.pyramid
        self.pyramid = Pyramid(
            height: layout.size.height, width: layout.size.width, levels: pyramid.depth, tile_size: pyramid.tileSize,
            zoom_factor: pyramid.zoomFactor, level_sizes: pyramid.levels.map { [$0.size.height, $0.size.width] },
            level_tiles: pyramid.levels.map { [$0.tiles.rows, $0.tiles.columns] })
        plates = layout.plates.map { plate in
            Plate(name: plate.name, offset: [plate.offset.y, plate.offset.x], size: [plate.size.height, plate.size.width],
                  grid_position: [plate.gridIndex.row, plate.gridIndex.column],
                  wells: plate.wells.map { well in
                      Well(name: well.name, offset: [well.offset.y, well.offset.x], size: [well.size.height, well.size.width],
                           sites: well.sites.map { Site(y: $0.y, x: $0.x, offset: [$0.offset.y, $0.offset.x]) })
                  })
        }
    }
}
